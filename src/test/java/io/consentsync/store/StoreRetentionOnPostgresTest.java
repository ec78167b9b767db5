package io.consentsync.store;

import io.consentsync.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks of {@link StoreRetentionTest} on a real PostgreSQL server, and two purges running at once there. */
class StoreRetentionOnPostgresTest extends StoreRetentionTest {

    private PostgresServer postgres;

    @Override
    @BeforeEach
    void createStore() throws Exception {
        postgres = PostgresServer.start();
        db = ReasonCodeStoredTest.migrated(postgres.dataSource());
    }

    @AfterEach
    void stopPostgres() throws Exception {
        postgres.close();
    }

    /** Should the lease ever lapse mid-run, two instances purging the same rows still drop each body once, no error. */
    @Test
    void twoPurgesAtOnceDropEachBodyOnce() throws Exception {
        int rows = 2000;
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into consent_event (id, dedup_key, event_type, "
                     + "organization_user_id, contact_key, payload, status, attempts, received_at, updated_at) values "
                     + "(?, ?, 'event.created', ?, ?, '{}', 'delivered', 1, current_timestamp, current_timestamp)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, "old-" + i);
                ps.setString(2, "event.created:old-" + i);
                ps.setString(3, "p" + i + "@example.com");
                ps.setString(4, "p" + i + "@example.com");
                ps.addBatch();
            }
            ps.executeBatch();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (String instance : List.of("instance-a", "instance-b")) {
                StoreRetention retention = new StoreRetention(db, instance);
                runs.add(pool.submit((Callable<Integer>) () -> {
                    int total = 0;
                    for (int n = retention.dropExpiredBodies(0, 100); n > 0; n = retention.dropExpiredBodies(0, 100)) {
                        total += n;
                    }
                    return total;
                }));
            }
            assertThat(runs.get(0).get() + runs.get(1).get()).isEqualTo(rows);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("select count(*) from consent_event where payload is not null")).isZero();
    }
}
