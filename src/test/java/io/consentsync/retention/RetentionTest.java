package io.consentsync.retention;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * sync.retention.payload-days: a final event's webhook body is dropped once it has been final that long, its audit
 * record stays; a dead event's body goes the same time after it became dead, and it can no longer be replayed then.
 * A retention day is 400 ms here (sync.retention.day-ms, for tests only).
 */
class RetentionTest extends ConnectorTestSupport {

    private static final long DAY_MS = 400;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.retention.day-ms", String.valueOf(DAY_MS), "sync.retention.payload-days", "2",
                "sync.retention.interval-ms", "100", "sync.retention.batch-size", "50");
    }

    private void awaitBodyDropped(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(StoreSql.payload(jdbcUrl, id)).as("body of " + id).isNull());
    }

    @Test
    void dropsTheBodyOfAFinalEventAndKeepsItsAuditRecord() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        String id = accepted(newsletterEvent("evt-kept", "kept@example.com", true));
        JsonNode before = awaitStatus(id, "delivered");
        StoreSql.insertEvent(jdbcUrl, "still-waiting", "waiting@example.com", "retrying", 60_000);
        assertThat(StoreSql.payload(jdbcUrl, id)).contains("kept@example.com");

        awaitBodyDropped(id);

        JsonNode after = json(admin("GET", "/admin/events/" + id));
        assertThat(after).as("the audit record: id, type, times, status, reason, what was written, Dotdigital's code")
                .isEqualTo(before);
        assertThat(after.path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":true}");
        assertThat(after.path("lastResponseCode").asInt()).isEqualTo(200);
        assertThat(StoreSql.payload(jdbcUrl, "still-waiting")).as("a waiting event keeps its body, however old")
                .contains("waiting@example.com");
        assertThat(json(admin("GET", "/admin/contacts/kept@example.com/events")).path("events")).hasSize(1);
    }

    @Test
    void aDeadEventCanBeReplayedUntilItsBodyIsDroppedThenTheReplayIsRefusedWithWhy() throws Exception {
        dotdigital.stubFor(contactLookup().willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"errorCode\":\"contacts:badRequest\"}")));
        String id = accepted(newsletterEvent("evt-dead", "dead@example.com", true));
        awaitStatus(id, "dead");
        assertThat(json(admin("GET", "/admin/contacts/dead%40example.com/events")).path("events").get(0)
                .path("replayable").asBoolean()).as("replayable while the body is kept").isTrue();

        awaitBodyDropped(id);

        // the page draws no Replay button for it any more
        assertThat(json(admin("GET", "/admin/contacts/dead%40example.com/events")).path("events").get(0)
                .path("replayable").asBoolean()).isFalse();

        HttpResponse<String> replay = admin("POST", "/admin/events/" + id + "/replay");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(409);
        assertThat(json(replay).path("field").asText()).isEqualTo("payload");
        assertThat(json(replay).path("message").asText()).contains("can no longer be replayed")
                .contains("sync.retention.payload-days");
        HttpResponse<String> all = admin("POST", "/admin/events/replay?status=dead");
        assertThat(json(all).path("replayed").asInt()).as(all.body()).isZero();
        assertThat(json(admin("GET", "/admin/events/" + id)).path("status").asText()).isEqualTo("dead");
    }

    @Test
    void theDeadEventsBodyIsKeptForTheRetentionTimeFromWhenItBecameDead() throws Exception {
        // received long ago, but dead only now (a replay, a give-up): the window starts now
        StoreSql.insertEvent(jdbcUrl, "dead-now", "late-dead@example.com", "dead", 3_600_000);
        StoreSql.execute(jdbcUrl, "update consent_event set updated_at = current_timestamp where id = 'dead-now'");
        StoreSql.insertEvent(jdbcUrl, "dead-long-ago", "old-dead@example.com", "dead", 3_600_000);

        awaitBodyDropped("dead-long-ago");

        assertThat(StoreSql.count(jdbcUrl, "select count(*) from consent_event where id = 'dead-now' and payload is null "
                + "and updated_at > dateadd(millisecond, ?, current_timestamp)", -2 * DAY_MS))
                .as("dropped before its window ended").isZero();
        awaitBodyDropped("dead-now");
    }

    @Test
    void webhooksKeepGetting202WhileThePurgeWorksThroughManyRows() throws Exception {
        int rows = 6000;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, "sa", "");
             java.sql.PreparedStatement ps = c.prepareStatement("insert into consent_event (id, dedup_key, event_type, "
                     + "organization_user_id, contact_key, payload, status, attempts, received_at, updated_at) values "
                     + "(?, ?, 'event.created', ?, ?, ?, 'delivered', 1, dateadd(hour, -1, current_timestamp), "
                     + "dateadd(hour, -1, current_timestamp))")) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                String email = "bulk" + i + "@example.com";
                ps.setString(1, "old-" + i);
                ps.setString(2, "event.created:old-" + i);
                ps.setString(3, email);
                ps.setString(4, email);
                ps.setString(5, "{\"padding\":\"" + "x".repeat(500) + "\"}");
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        stubContactFound("subscribed");
        stubPatchAnswers(200);

        int posted = 0;
        int duringThePurge = 0;
        long left = rows;
        while (left > 0 && posted < 3000) {
            long before = StoreSql.count(jdbcUrl, "select count(*) from consent_event where id like 'old-%' and payload is not null");
            HttpResponse<String> r = postWebhook(newsletterEvent("evt-during-" + posted, "during" + posted + "@example.com", true));
            assertThat(r.statusCode()).as("webhook " + posted + " while the purge runs: " + r.body()).isEqualTo(202);
            posted++;
            left = StoreSql.count(jdbcUrl, "select count(*) from consent_event where id like 'old-%' and payload is not null");
            if (before > 0 && left > 0 && left < rows) {
                duringThePurge++;
            }
        }
        assertThat(left).as("bodies left after " + posted + " webhooks").isZero();
        assertThat(duringThePurge).as("webhooks answered while the purge was part way through").isPositive();
        assertThat(StoreSql.count(jdbcUrl, "select count(*) from consent_event where id like 'old-%'"))
                .as("audit records kept").isEqualTo(rows);
    }
}
