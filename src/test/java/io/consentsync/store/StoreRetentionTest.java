package io.consentsync.store;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The purge's and the erasure's statements on the store itself (V11), on H2 here and on PostgreSQL in
 * {@link StoreRetentionOnPostgresTest}: the purge lease, batches that touch only final events, and an erasure that
 * leaves the identifier in no column of any table that held it.
 */
class StoreRetentionTest {

    DataSource db;
    private ContactClaims claims;
    private EventStore store;

    @BeforeEach
    void createStore() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db = ReasonCodeStoredTest.migrated(h2);
    }

    private EventStore store() {
        if (store == null) {
            claims = new ContactClaims(db, "retention-test", 30000);
            store = new EventStore(db, claims, new EventQueries(db), Clock.systemUTC(), Duration.ofMinutes(5), 50);
        }
        return store;
    }

    private String accept(String dedup, String email) {
        return store().accept(new NewEvent("event.created:" + dedup, "event.created", email, email.toLowerCase(), "gdpr",
                Instant.parse("2024-05-02T09:00:00Z"), 0, "{\"organization_user_id\":\"" + email + "\"}",
                EventStatus.PENDING, null, null)).id();
    }

    /** Claims the contact's due events and records them delivered, with field states, as delivery does. */
    private void deliver(String contactKey) {
        Claim claim = claims.claimDueContacts(100).stream().filter(c -> c.contactKey().equals(contactKey)).findFirst()
                .orElseThrow();
        List<StoredEvent> batch = store().loadBatch(claim);
        new ContactFieldStates(claims, Clock.systemUTC()).recordWritten(claim, batch.stream().map(e ->
                new ContactFieldStates.Written(List.of("NEWSLETTER"), e.consentTime(), 0, e.id())).toList());
        store().finishBatch(claim, batch.stream().map(e -> new EventOutcome(e, EventStatus.DELIVERED,
                "Dotdigital answered for " + e.organizationUserId(), 200, "{\"NEWSLETTER\":true}", ReasonCode.OK)).toList());
    }

    @Test
    void oneInstanceAtATimeHoldsThePurgeLease() {
        StoreRetention a = new StoreRetention(db, "instance-a");
        StoreRetention b = new StoreRetention(db, "instance-b");

        assertThat(a.takeLease(StoreRetention.PURGE_LEASE, 60_000)).isTrue();
        assertThat(b.takeLease(StoreRetention.PURGE_LEASE, 60_000)).as("held by a").isFalse();
        assertThat(a.takeLease(StoreRetention.PURGE_LEASE, 0)).as("a keeps it, here letting it lapse at once").isTrue();
        assertThat(b.takeLease(StoreRetention.PURGE_LEASE, 60_000)).as("lapsed: b takes over").isTrue();
    }

    @Test
    void bodiesGoInBatchesOnlyFromFinalEventsAndAuditRecordsOnlyWhenAsked() throws Exception {
        for (int i = 0; i < 25; i++) {
            accept("final-" + i, "final@example.com");
        }
        deliver("final@example.com");
        String waiting = accept("waiting", "waiting@example.com");
        StoreRetention retention = new StoreRetention(db, "instance-a");

        assertThat(List.of(retention.dropExpiredBodies(0, 10), retention.dropExpiredBodies(0, 10),
                retention.dropExpiredBodies(0, 10), retention.dropExpiredBodies(0, 10))).containsExactly(10, 10, 5, 0);
        assertThat(retention.dropExpiredBodies(3_600_000, 10)).as("not old enough").isZero();

        assertThat(count("select count(*) from consent_event where payload is null")).isEqualTo(25);
        assertThat(new EventQueries(db).find(waiting).orElseThrow().payload()).contains("waiting@example.com");
        assertThat(count("select count(*) from consent_event where fields_written is not null")).as("audit kept").isEqualTo(25);
        assertThat(retention.dropExpiredAuditRecords(3_600_000, 10)).isZero();
        assertThat(retention.dropExpiredAuditRecords(0, 100)).isEqualTo(25);
        assertThat(count("select count(*) from consent_event")).as("the waiting event stays").isEqualTo(1);
    }

    @Test
    void anErasureLeavesTheIdentifierInNoTableAndLaterEventsAlone() throws Exception {
        accept("e1", "Gone@Example.com");
        accept("e2", "gone@example.com");
        deliver("gone@example.com");
        accept("other", "other@example.com");
        ContactErasure erasure = new ContactErasure(db, "instance-a", 30000, null);

        ContactErasure.Result r = erasure.erase("gone@example.com", null);

        assertThat(r.status()).isEqualTo(ContactErasure.Status.ERASED);
        assertThat(List.of(r.events(), r.bodies(), r.fieldStates(), r.claims())).containsExactly(2, 2, 1, 1);
        for (String table : List.of("consent_event", "contact_field_state", "contact_claim")) {
            assertThat(mentions(table, "gone@example.com")).as(table).isZero();
        }
        assertThat(mentions("consent_event", "other@example.com")).isEqualTo(1);
        assertThat(new EventQueries(db).listByContact(r.contactHash())).hasSize(2).allSatisfy(e -> {
            assertThat(e.payload()).isNull();
            assertThat(e.organizationUserId()).isEqualTo(r.contactHash());
            assertThat(e.reason()).isEqualTo("Dotdigital answered for <erased>");
            assertThat(e.fieldsWritten()).isEqualTo("{\"NEWSLETTER\":true}");
        });
        assertThat(new ContactErasure(db, "instance-b", 30000, null).hash("gone@example.com"))
                .as("the generated key is kept in the store, shared by every instance").isEqualTo(r.contactHash());
        assertThat(new ContactErasure(db, "instance-b", 30000, "another key").hash("gone@example.com"))
                .isNotEqualTo(r.contactHash());

        String later = accept("e3", "gone@example.com");
        deliver("gone@example.com");
        assertThat(new EventQueries(db).find(later).orElseThrow().status()).isEqualTo(EventStatus.DELIVERED);
    }

    @Test
    void anErasureWaitsWhileTheContactIsDeliveredOrHasEventsWaiting() throws Exception {
        accept("w1", "busy@example.com");
        ContactErasure erasure = new ContactErasure(db, "instance-a", 30000, "k");

        assertThat(erasure.erase("busy@example.com", null).status()).isEqualTo(ContactErasure.Status.WAITING);
        Claim claim = claims.claimDueContacts(10).get(0);
        assertThat(erasure.erase("busy@example.com", null).status()).isEqualTo(ContactErasure.Status.BUSY);
        claims.releaseContact(claim);
        assertThat(erasure.erase("busy@example.com", null).status()).isEqualTo(ContactErasure.Status.WAITING);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update contact_claim set claimed_until = current_timestamp where contact_key = 'busy@example.com'")) {
            ps.executeUpdate(); // ran out just now, never released: its holder may only be stalled
        }
        assertThat(erasure.erase("busy@example.com", null).status()).isEqualTo(ContactErasure.Status.BUSY);
        assertThat(mentions("consent_event", "busy@example.com")).isEqualTo(1);
    }

    /** Every table with a column that may hold a person's identifier is one the erasure covers. */
    @Test
    void theErasureCoversEveryTableThatHoldsTheIdentifier() throws Exception {
        java.util.Set<String> holding = new java.util.TreeSet<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select table_name, column_name from information_schema.columns "
                     + "where lower(table_schema) = lower(current_schema)");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String column = rs.getString(2).toLowerCase();
                if (column.equals("contact_key") || column.equals("organization_user_id") || column.contains("email")
                        || column.equals("payload") || column.equals("identifier") || column.equals("user_id")) {
                    holding.add(rs.getString(1).toLowerCase());
                }
            }
        }
        assertThat(holding).as("tables with an identifier column").isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(ContactErasure.TABLES_WITH_THE_IDENTIFIER);
    }

    /** Rows of the table whose identifier columns mention the text, whatever its case. */
    int mentions(String table, String text) throws SQLException {
        String columns = switch (table) {
            case "consent_event" -> "lower(coalesce(organization_user_id, '') || coalesce(contact_key, '') || dedup_key "
                    + "|| coalesce(payload, '') || coalesce(reason, '') || coalesce(fields_written, ''))";
            default -> "lower(contact_key)";
        };
        return (int) count("select count(*) from " + table + " where " + columns + " like '%" + text.toLowerCase() + "%'");
    }

    long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
