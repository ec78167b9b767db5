package io.consentsync.admin;

import io.consentsync.store.Claim;
import io.consentsync.store.ContactClaims;
import io.consentsync.store.EventOutcome;
import io.consentsync.store.EventQueries;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventStore;
import io.consentsync.store.NewEvent;
import io.consentsync.store.ReasonCode;
import io.consentsync.store.StoredEvent;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline over time comes from the store's rows: received, delivered and dead fall into the minute they happened
 * in, and the backlog at the end of each minute is derived from the backlog now, including events older than the
 * window that still wait. The same queries run on PostgreSQL ({@link PipelineHistoryOnPostgresTest}).
 */
class PipelineHistoryTest {

    DataSource db;
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-28T09:00:00Z"));

    @BeforeEach
    void createStore() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db = h2;
    }

    @Test
    void eachEventCountsInItsMinuteAndTheBacklogIsWalkedBackFromNow() {
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
        ContactClaims claims = new ContactClaims(db, "history", 30000);
        EventQueries queries = new EventQueries(db);
        EventStore store = new EventStore(db, claims, queries, clock, Duration.ofMinutes(5), 50);

        store.accept(event("old-waiting")); // 25 hours before "now": before the window, still waiting
        clock.set("2026-11-29T10:00:30Z");
        store.accept(event("a"));
        store.accept(event("b"));
        store.accept(event("c"));
        clock.set("2026-11-29T10:02:10Z");
        finish(store, claims, "a", EventStatus.DELIVERED);
        clock.set("2026-11-29T10:03:59Z");
        finish(store, claims, "b", EventStatus.DEAD);
        clock.set("2026-11-29T10:05:00Z");

        Map<String, Object> h = new PipelineHistory(queries, clock).lastDay();

        assertThat(h.get("end")).isEqualTo("2026-11-29T10:06:00Z");
        assertThat(h.get("start")).isEqualTo("2026-11-28T10:06:00Z");
        int m1000 = PipelineHistory.MINUTES - 6; // the minute 10:00-10:01
        assertThat(series(h, "received")).hasSize(PipelineHistory.MINUTES);
        assertThat(series(h, "received").get(m1000)).isEqualTo(3L);
        assertThat(series(h, "received").stream().mapToLong(Long::longValue).sum()).isEqualTo(3L);
        assertThat(series(h, "delivered").get(m1000 + 2)).isEqualTo(1L);
        assertThat(series(h, "delivered").stream().mapToLong(Long::longValue).sum()).isEqualTo(1L);
        assertThat(series(h, "dead").get(m1000 + 3)).isEqualTo(1L);
        assertThat(series(h, "dead").stream().mapToLong(Long::longValue).sum()).isEqualTo(1L);
        // old-waiting all along; a, b, c from 10:00; a done in 10:02, b in 10:03; c and old-waiting until now
        assertThat(series(h, "waiting").subList(m1000 - 2, PipelineHistory.MINUTES))
                .containsExactly(1L, 1L, 4L, 4L, 3L, 2L, 2L, 2L);
        assertThat(series(h, "waiting").get(0)).isEqualTo(1L);
    }

    private void finish(EventStore store, ContactClaims claims, String who, EventStatus status) {
        List<Claim> all = claims.claimDueContacts(10);
        Claim claim = all.stream().filter(c -> c.contactKey().startsWith(who + "@"))
                .findFirst().orElseThrow();
        StoredEvent loaded = store.loadBatch(claim).get(0);
        store.finishBatch(claim, List.of(new EventOutcome(loaded, status, "test", 200, "{}", ReasonCode.OK)));
        all.stream().filter(c -> c != claim).forEach(claims::releaseContact); // the others wait on
    }

    @SuppressWarnings("unchecked")
    private static List<Long> series(Map<String, Object> h, String name) {
        return (List<Long>) h.get(name);
    }

    private static NewEvent event(String who) {
        return new NewEvent("event.created:" + who, "event.created", who + "@example.com", who + "@example.com", "gdpr",
                Instant.parse("2024-05-02T09:00:00Z"), 0, "{}", EventStatus.PENDING, null, null);
    }

    /** A clock the test moves: received and finished times come from the connector's clock. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void set(String instant) {
            now = Instant.parse(instant);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
