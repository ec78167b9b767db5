package io.consentsync.admin;

import io.consentsync.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The checks of {@link PipelineHistoryTest} on a real PostgreSQL server (its minute arithmetic is SQL). */
class PipelineHistoryOnPostgresTest extends PipelineHistoryTest {

    private PostgresServer postgres;

    @Override
    @BeforeEach
    void createStore() throws Exception {
        postgres = PostgresServer.start();
        db = postgres.dataSource();
    }

    @AfterEach
    void stopPostgres() throws Exception {
        postgres.close();
    }
}
