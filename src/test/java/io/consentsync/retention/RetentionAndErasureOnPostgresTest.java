package io.consentsync.retention;

import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector on a PostgreSQL store: the purge route (lease, batches) drops expired bodies and the erasure after a
 * handled user.deleted leaves the address in no table, as on H2.
 */
class RetentionAndErasureOnPostgresTest extends ConnectorTestSupport {

    private PostgresServer postgres;

    @Override
    protected Map<String, String> extraProperties() {
        try {
            postgres = PostgresServer.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("sync.store.jdbc-url", postgres.jdbcUrl(), "sync.store.username", postgres.user(),
                "sync.retention.day-ms", "300", "sync.retention.payload-days", "1", "sync.retention.interval-ms", "100",
                "sync.retention.batch-size", "3");
    }

    @AfterEach
    void dropDatabase() throws Exception {
        context.stop();
        postgres.close();
    }

    private long count(String sql) throws Exception {
        try (Connection c = postgres.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void bodiesGoAfterTheRetentionTimeAndAnErasedPersonIsInNoTable() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        for (int i = 0; i < 7; i++) {
            awaitStatus(accepted(newsletterEvent("evt-pg-" + i, "pg" + i + "@example.com", true)), "delivered");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(count("select count(*) from consent_event where payload is not null")).isZero());
        assertThat(count("select count(*) from consent_event where fields_written is not null")).isEqualTo(7);

        String deletion = accepted(ErasureTest.userDeleted("u-pg", "pg0@example.com"));
        awaitStatus(deletion, "ignored");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(count("select count(*) from consent_event where erased_at is not null")).isEqualTo(2));
        assertThat(count("select count(*) from consent_event where lower(organization_user_id || contact_key || dedup_key "
                + "|| coalesce(payload, '') || coalesce(reason, '')) like '%pg0@example.com%'")).isZero();
        assertThat(count("select count(*) from contact_field_state where contact_key = 'pg0@example.com'")).isZero();
        assertThat(count("select count(*) from contact_claim where contact_key = 'pg0@example.com'")).isZero();
        assertThat(count("select count(*) from contact_claim where contact_key = 'pg1@example.com'")).isEqualTo(1);
        assertThat(json(admin("GET", "/admin/contacts/pg0%40example.com/events?hashed=true")).path("events")).hasSize(2);
    }
}
