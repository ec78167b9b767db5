package io.consentsync.dotdigital;

import io.consentsync.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The shared rate-limit pause checks of {@link SharedRateLimitPauseTest}, on a real PostgreSQL server. */
class SharedRateLimitPauseOnPostgresTest extends SharedRateLimitPauseTest {

    private PostgresServer postgres;

    @Override
    @BeforeEach
    void createStore() throws Exception {
        postgres = PostgresServer.start();
        store = migrated(postgres.dataSource());
    }

    @AfterEach
    void stopPostgres() throws Exception {
        postgres.close();
    }
}
