package io.consentsync.dotdigital;

import io.consentsync.store.RateLimitPauses;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances sharing one store and one API user: a pause one of them learns of holds the others back too. On the
 * embedded H2 store here; {@link SharedRateLimitPauseOnPostgresTest} runs the same checks on a real PostgreSQL server.
 */
class SharedRateLimitPauseTest {

    DataSource store;

    @BeforeEach
    void createStore() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = migrated(h2);
    }

    static DataSource migrated(DataSource store) {
        Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();
        return store;
    }

    private RateLimitGate gate(String apiUser, String instance) {
        return new RateLimitGate(Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofHours(1),
                new RateLimitPauses(store), apiUser, instance, 0);
    }

    @Test
    void aPauseSeenByOneInstanceStopsTheOtherUntilItEnds() {
        RateLimitGate a = gate("apiuser-1@apiconnector.com", "instance-a");
        RateLimitGate b = gate("apiuser-1@apiconnector.com", "instance-b");
        RateLimitGate otherUser = gate("apiuser-2@apiconnector.com", "instance-c");
        assertThat(b.isOpen()).isTrue();

        a.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "30")::get);

        assertThat(b.isOpen()).isFalse();
        assertThat(b.view().get("reason").toString()).contains("x-ratelimit-remaining is 0").contains("instance-a");
        assertThat(b.pausedUntil()).isEqualTo(a.pausedUntil());
        assertThat(otherUser.isOpen()).as("another API user has its own limit").isTrue();
    }

    @Test
    void aShorterPauseNeverShortensALongerOne() {
        RateLimitGate a = gate("apiuser-1@apiconnector.com", "instance-a");
        RateLimitGate b = gate("apiuser-1@apiconnector.com", "instance-b");
        a.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "600")::get);
        b.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "5")::get);

        RateLimitGate c = gate("apiuser-1@apiconnector.com", "instance-c");
        assertThat(c.isOpen()).isFalse();
        assertThat(c.pausedUntil()).isEqualTo(a.pausedUntil());
        assertThat(b.isOpen()).isFalse();
        assertThat(b.pausedUntil()).isEqualTo(a.pausedUntil());
    }
}
