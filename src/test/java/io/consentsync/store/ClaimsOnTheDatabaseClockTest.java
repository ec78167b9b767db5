package io.consentsync.store;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one store whose JVM clocks disagree by a minute still agree on who holds a contact and when an
 * event is due (the database's clock decides); and an instance that lost its claim while it stalled records nothing.
 */
class ClaimsOnTheDatabaseClockTest {

    private static final long LEASE_MS = 3000;
    private static final Clock AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(60));

    DataSource db;

    @BeforeEach
    void createStore() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
        db = h2;
    }

    /** One instance of the connector on the shared store: its writes, its claims, its reads. */
    private record Instance(EventStore store, ContactClaims claims, EventQueries queries) {
    }

    private Instance instance(String id, Clock clock) {
        ContactClaims claims = new ContactClaims(db, id, LEASE_MS);
        EventQueries queries = new EventQueries(db);
        return new Instance(new EventStore(db, claims, queries, clock, Duration.ofMinutes(5), 50), claims, queries);
    }

    private static NewEvent event(String id, String contact) {
        return new NewEvent("event.created:" + id, "event.created", contact, contact, "gdpr",
                Instant.parse("2024-05-02T09:00:00Z"), 0, "{}", EventStatus.PENDING, null, null);
    }

    @Test
    void anInstanceWhoseClockRunsAheadDoesNotTakeLiveClaims() {
        Instance first = instance("first", Clock.systemUTC());
        Instance ahead = instance("ahead", AHEAD);
        for (int i = 0; i < 5; i++) {
            first.store().accept(event("e" + i, "c" + i + "@example.com"));
        }

        assertThat(first.claims().claimDueContacts(10)).hasSize(5);
        // by its own clock every lease of "first" ran out 57 s ago; by the database's, none has
        assertThat(ahead.claims().claimDueContacts(10)).isEmpty();
        assertThat(ahead.claims().renewOwnClaims()).isZero();
        assertThat(first.claims().renewOwnClaims()).isEqualTo(5);
    }

    @Test
    void aRetryIsDueByTheDatabasesClockNotByTheInstancesOwn() {
        Instance first = instance("first", Clock.systemUTC());
        Instance ahead = instance("ahead", AHEAD);
        String id = first.store().accept(event("late", "late@example.com")).id();
        Claim claim = first.claims().claimDueContacts(1).get(0);
        first.store().loadBatch(claim);
        first.store().retryLater(claim, List.of(id), Clock.systemUTC().instant().plusSeconds(30), "HTTP 503", 503);

        assertThat(ahead.queries().countDue()).isZero();
        assertThat(ahead.claims().claimDueContacts(10)).isEmpty();

        // a retry the instance ahead schedules 30 s out is 30 s out for everyone, not 90 s
        Instance behind = instance("behind", Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-60)));
        String other = behind.store().accept(event("other", "other@example.com")).id();
        Claim otherClaim = ahead.claims().claimDueContacts(1).get(0);
        ahead.store().retryLater(otherClaim, List.of(other), AHEAD.instant().plusSeconds(30), "HTTP 503", 503);
        assertThat(secondsUntilDue(other)).isBetween(28L, 31L);
    }

    @Test
    void aHolderThatLostItsClaimWhileStalledRecordsNothing() throws Exception {
        Instance stalled = instance("stalled", Clock.systemUTC());
        Instance next = instance("next", Clock.systemUTC());
        String id = stalled.store().accept(event("fenced", "fenced@example.com")).id();
        Claim old = stalled.claims().claimDueContacts(1).get(0);
        StoredEvent loaded = stalled.store().loadBatch(old).get(0);
        expireLease("fenced@example.com"); // the holder stalled past its lease and stopped renewing

        Claim current = next.claims().claimDueContacts(1).get(0);
        assertThat(current.fence()).isGreaterThan(old.fence());

        // the stalled holder wakes up and reports its write: refused, the new holder's view stands
        stalled.store().finishBatch(old, List.of(new EventOutcome(loaded, EventStatus.DELIVERED, null, 200, "{\"NEWSLETTER\":true}")));
        new ContactFieldStates(stalled.claims(), Clock.systemUTC()).recordWritten(old, List.of(new ContactFieldStates.Written(
                List.of("NEWSLETTER"), loaded.consentTime(), 0, id)));
        stalled.store().retryLater(old, List.of(id), Instant.now(), "late retry", 503);
        assertThat(stalled.queries().find(id).orElseThrow().status()).isEqualTo(EventStatus.PENDING);
        assertThat(new ContactFieldStates(next.claims(), Clock.systemUTC()).load("fenced@example.com", List.of("NEWSLETTER"))).isEmpty();
        assertThat(claimRow("fenced@example.com")).containsEntry("claimed_by", "next");

        next.store().finishBatch(current, List.of(new EventOutcome(loaded, EventStatus.DELIVERED, null, 200, "{\"NEWSLETTER\":false}")));
        assertThat(next.queries().find(id).orElseThrow().status()).isEqualTo(EventStatus.DELIVERED);
    }

    @Test
    void theFenceKeepsGrowingAfterAClaimIsReleased() {
        Instance a = instance("a", Clock.systemUTC());
        String first = a.store().accept(event("one", "again@example.com")).id();
        Claim claim1 = a.claims().claimDueContacts(1).get(0);
        StoredEvent e1 = a.store().loadBatch(claim1).get(0);
        a.store().finishBatch(claim1, List.of(new EventOutcome(e1, EventStatus.DELIVERED, null, 200, null)));

        a.store().accept(event("two", "again@example.com"));
        Claim claim2 = a.claims().claimDueContacts(1).get(0);
        assertThat(claim2.fence()).isGreaterThan(claim1.fence());
        // a late report under the first claim, on the same instance, cannot touch the second batch
        StoredEvent e2 = a.store().loadBatch(claim2).get(0);
        a.store().finishBatch(claim1, List.of(new EventOutcome(e2, EventStatus.DEAD, "late", null, null)));
        assertThat(a.queries().find(e2.id()).orElseThrow().status()).isEqualTo(EventStatus.PENDING);
        assertThat(a.queries().find(first).orElseThrow().status()).isEqualTo(EventStatus.DELIVERED);
    }

    private long secondsUntilDue(String id) {
        try (Connection c = db.getConnection();
             ResultSet rs = c.createStatement().executeQuery("select datediff('SECOND', current_timestamp, next_attempt_at) "
                     + "from consent_event where id = '" + id + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void expireLease(String contact) throws Exception {
        try (Connection c = db.getConnection()) {
            c.createStatement().executeUpdate("update contact_claim set claimed_until = current_timestamp - interval '1' second "
                    + "where contact_key = '" + contact + "'");
        }
    }

    private Map<String, Object> claimRow(String contact) throws Exception {
        try (Connection c = db.getConnection();
             ResultSet rs = c.createStatement().executeQuery("select claimed_by, fence from contact_claim where contact_key = '"
                     + contact + "'")) {
            rs.next();
            return Map.of("claimed_by", rs.getString(1), "fence", rs.getLong(2));
        }
    }
}
