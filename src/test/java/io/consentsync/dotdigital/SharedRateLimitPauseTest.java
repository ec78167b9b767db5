package io.consentsync.dotdigital;

import io.consentsync.store.RateLimitPauses;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
        return gate(apiUser, instance, Clock.systemUTC());
    }

    private RateLimitGate gate(String apiUser, String instance, Clock clock) {
        return new RateLimitGate(clock, Duration.ofSeconds(60), Duration.ofHours(1),
                new RateLimitPauses(store, clock), apiUser, instance, 0);
    }

    /** Two reads of one pause's end, each on its instance's own clock, agree within this. */
    private static final org.assertj.core.data.TemporalUnitOffset SAME = within(1, ChronoUnit.SECONDS);

    @Test
    void aPauseSeenByOneInstanceStopsTheOtherUntilItEnds() {
        RateLimitGate a = gate("apiuser-1@apiconnector.com", "instance-a");
        RateLimitGate b = gate("apiuser-1@apiconnector.com", "instance-b");
        RateLimitGate otherUser = gate("apiuser-2@apiconnector.com", "instance-c");
        assertThat(b.isOpen()).isTrue();

        a.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "30")::get);

        assertThat(b.isOpen()).isFalse();
        assertThat(b.view().get("reason").toString()).contains("x-ratelimit-remaining is 0").contains("instance-a");
        assertThat(b.pausedUntil()).isCloseTo(a.pausedUntil(), SAME);
        assertThat(otherUser.isOpen()).as("another API user has its own limit").isTrue();
    }

    @Test
    void theGateReopensForEveryInstanceWhenThePauseEnds() {
        RateLimitGate a = gate("apiuser-1@apiconnector.com", "instance-a");
        RateLimitGate b = gate("apiuser-1@apiconnector.com", "instance-b");
        a.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "2")::get);
        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).as("b learns of the pause from the store").isFalse();
        java.time.Instant until = b.pausedUntil();
        assertThat(until).isCloseTo(java.time.Instant.now().plusSeconds(2), SAME);

        // closed until the pause's end, open from then on: for the instance that saw the header and the one that
        // read it from the store
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> a.isOpen() && b.isOpen());
        assertThat(java.time.Instant.now()).as("not open before the pause ended").isAfterOrEqualTo(until);
        assertThat(b.view().get("paused")).isEqualTo(false);
        // and a third instance starting now finds no pause in the store
        assertThat(gate("apiuser-1@apiconnector.com", "instance-c").isOpen()).isTrue();
    }

    @Test
    void aShorterPauseNeverShortensALongerOne() {
        RateLimitGate a = gate("apiuser-1@apiconnector.com", "instance-a");
        RateLimitGate b = gate("apiuser-1@apiconnector.com", "instance-b");
        a.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "600")::get);
        b.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "5")::get);

        RateLimitGate c = gate("apiuser-1@apiconnector.com", "instance-c");
        assertThat(c.isOpen()).isFalse();
        assertThat(c.pausedUntil()).isCloseTo(a.pausedUntil(), SAME);
        assertThat(b.isOpen()).isFalse();
        assertThat(b.pausedUntil()).isCloseTo(a.pausedUntil(), SAME);
    }

    @Test
    void aPauseLastsAsLongForAnInstanceWhoseClockRunsAhead() {
        RateLimitGate a = gate("apiuser-1@apiconnector.com", "instance-a");
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(90));
        RateLimitGate b = gate("apiuser-1@apiconnector.com", "instance-b", ahead);
        a.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "30")::get);

        // on b's own clock the pause ends 30 s from b's now, not 60 s before it
        assertThat(b.isOpen()).isFalse();
        assertThat(b.pausedUntil()).isCloseTo(ahead.instant().plusSeconds(30), SAME);

        // and a pause b records holds a for as long as b was told, by a's clock
        RateLimitGate c = gate("apiuser-2@apiconnector.com", "instance-c", ahead);
        c.observe(Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", "20")::get);
        RateLimitGate d = gate("apiuser-2@apiconnector.com", "instance-d");
        assertThat(d.isOpen()).isFalse();
        assertThat(d.pausedUntil()).isCloseTo(Clock.systemUTC().instant().plusSeconds(20), SAME);
    }
}
