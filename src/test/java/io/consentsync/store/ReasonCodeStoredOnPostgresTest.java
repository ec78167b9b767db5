package io.consentsync.store;

import io.consentsync.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The checks of {@link ReasonCodeStoredTest}, on a real PostgreSQL server (migration V8 there too). */
class ReasonCodeStoredOnPostgresTest extends ReasonCodeStoredTest {

    private PostgresServer postgres;

    @Override
    @BeforeEach
    void createStore() throws Exception {
        postgres = PostgresServer.start();
        db = migrated(postgres.dataSource());
    }

    @AfterEach
    void stopPostgres() throws Exception {
        postgres.close();
    }
}
