package io.consentsync.retention;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.LogCapture;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * sync.erasure.on-user-deleted (default true): once a person's user.deleted is handled, the store keeps nothing of
 * them in clear; their audit trail is found by the keyed hash, and a later event of the same address is a new person.
 * POST /admin/contacts/{organizationUserId}/erase does the same on demand.
 */
class ErasureTest extends ConnectorTestSupport {

    static String userDeleted(String userId, String email) {
        return """
                {"type": "user.deleted", "parameters": {"entity": {"id": "%s", "organization_user_id": "%s",
                  "updated_at": "2024-06-01T00:00:00Z", "version": 9}}}""".formatted(userId, email);
    }

    private JsonNode history(String email, boolean hashed) throws Exception {
        HttpResponse<String> r = admin("GET", "/admin/contacts/" + email.replace("+", "%2B").replace("@", "%40")
                + "/events" + (hashed ? "?hashed=true" : ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    @Test
    void aHandledDeletionLeavesTheStoreWithoutThePersonInClear() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        String consent = accepted(newsletterEvent("evt-erase-1", "Erase.Me@example.com", true));
        awaitStatus(consent, "delivered");
        String other = accepted(newsletterEvent("evt-keep-1", "keep.me@example.com", true));
        awaitStatus(other, "delivered");
        assertThat(StoreSql.dumpMentions(jdbcUrl, "erase.me@example.com")).isTrue();

        String deletion = accepted(userDeleted("didomi-user-erase", "erase.me@example.com")); // ignored at intake

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(history("erase.me@example.com", false).path("events")).isEmpty());
        String dump = StoreSql.dump(jdbcUrl).toLowerCase();
        assertThat(dump).as("an SQL dump of the store after the erasure").doesNotContain("erase.me@example.com")
                .doesNotContain("didomi-user-erase").contains("keep.me@example.com");
        JsonNode hashed = history("Erase.Me@example.com", true);
        assertThat(hashed.path("events")).extracting(e -> e.path("id").asText()).containsExactly(consent, deletion);
        JsonNode delivered = hashed.path("events").get(0);
        assertThat(delivered.path("status").asText()).isEqualTo("delivered");
        assertThat(delivered.path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":true}");
        assertThat(delivered.path("lastResponseCode").asInt()).isEqualTo(200);
        assertThat(delivered.path("organizationUserId").asText()).isEqualTo(hashed.path("contactHash").asText())
                .startsWith("hmac:");
        assertThat(history("keep.me@example.com", false).path("events")).hasSize(1);
        HttpResponse<String> csv = admin("GET", "/admin/contacts/Erase.Me%40example.com/events.csv?hashed=true");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        try (CSVParser parser = CSVParser.parse(csv.body(), CSVFormat.RFC4180.builder().setHeader().get())) {
            assertThat(parser.getRecords()).extracting(row -> row.get("event_id"))
                    .as("the CSV finds the erased history by the hash too, newest first").containsExactly(deletion, consent);
        }
        assertThat(csv.body()).doesNotContainIgnoringCase("erase.me@example.com");

        // a late webhook with a choice older than the deletion (a Didomi retry): kept under the hash without its body,
        // not delivered, and not in clear in the store
        String late = accepted(newsletterEvent("evt-erase-late", "erase.me@example.com", true));
        JsonNode lateView = awaitStatus(late, "ignored");
        assertThat(lateView.path("organizationUserId").asText()).isEqualTo(hashed.path("contactHash").asText());
        assertThat(lateView.path("reasonCode").asText()).isEqualTo("predates_erasure");
        assertThat(StoreSql.dump(jdbcUrl).toLowerCase()).doesNotContain("erase.me@example.com");
        assertThat(json(postWebhook(userDeleted("didomi-user-erase", "erase.me@example.com"))).path("status").asText())
                .as("Didomi retrying the erased deletion").isEqualTo("duplicate");
        assertThat(history("erase.me@example.com", false).path("events")).isEmpty();

        // the same address with a choice made after the deletion: a new person, stored and delivered as any other
        String again = accepted(newsletterEvent("evt-erase-2", "erase.me@example.com", false)
                .replace("2024-05-02T09:15:00.000Z", "2024-07-01T00:00:00Z"));
        assertThat(awaitStatus(again, "delivered").path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":false}");
        assertThat(history("erase.me@example.com", false).path("events")).extracting(e -> e.path("id").asText())
                .containsExactly(again);
        dotdigital.verify(2, patchRequestedFor(urlPathMatching("(?i)/contacts/v3/email/erase\\.me@example\\.com")));
    }

    /**
     * The outcome listener's wake-up (a ProducerTemplate send to seda:erase-handled-deletions-now, from no route) is
     * timed by camel-micrometer like any exchange: without a routeId tag Prometheus refused its meter and Micrometer
     * logged a warning (then the same at debug for every later wake-up).
     */
    @Test
    void theWakeUpAfterADeletionIsAMeterPrometheusAccepts() throws Exception {
        String deletion;
        try (LogCapture log = LogCapture.start(Level.DEBUG, "io.micrometer")) {
            deletion = accepted(userDeleted("didomi-user-meter", "meter@example.com"));
            awaitStatus(deletion, "ignored");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(history("meter@example.com", true).path("events")).extracting(e -> e.path("id").asText())
                            .containsExactly(deletion));
            assertThat(log.text()).doesNotContain("erase-handled-deletions-now").doesNotContain("registration has failed");
        }
    }

    @Test
    void anErasureAfterADeletionWaitsForOlderEventsOfThePersonStillToBeDelivered() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        // an older choice of the person waits for delivery (due only tomorrow: a long retry wait)
        StoreSql.insertEvent(jdbcUrl, "older", "slow@example.com", "retrying", 5000,
                newsletterEvent("evt-older", "slow@example.com", true));
        String deletion = accepted(userDeleted("u-slow", "slow@example.com"));
        awaitStatus(deletion, "ignored");
        ErasureOnDeletion erasure = context.getRegistry().lookupByNameAndType("erasureOnDeletion", ErasureOnDeletion.class);

        assertThat(erasure.eraseHandledDeletions(100)).as("erased while an older event waits").isZero();
        assertThat(StoreSql.payload(jdbcUrl, "older")).contains("slow@example.com");

        StoreSql.execute(jdbcUrl, "update consent_event set next_attempt_at = null where id = 'older'");
        awaitStatus("older", "delivered");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(StoreSql.dumpMentions(jdbcUrl, "slow@example.com")).isFalse());
        assertThat(history("slow@example.com", true).path("events")).extracting(e -> e.path("id").asText())
                .containsExactlyInAnyOrder("older", deletion);
    }

    @Test
    void anErasureOnRequestAnswersWhatWasErasedAndLogsNoIdentifier() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        String first = accepted(newsletterEvent("evt-req-1", "asked+to@example.com", true));
        awaitStatus(first, "delivered");
        String second = accepted(newsletterEvent("evt-req-2", "asked+to@example.com", false)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-03T09:15:00.000Z"));
        awaitStatus(second, "delivered");

        HttpResponse<String> r;
        try (LogCapture log = LogCapture.start(Level.DEBUG, "io.consentsync")) {
            r = admin("POST", "/admin/contacts/asked%2Bto%40example.com/erase");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(log.text()).contains("contact erased on request: 2 events, 2 webhook bodies, 1 field states")
                    .doesNotContainIgnoringCase("asked+to@example.com").doesNotContainIgnoringCase("asked%2Bto");
        }
        JsonNode answer = json(r);
        assertThat(answer.path("erased").asBoolean()).isTrue();
        assertThat(answer.path("events").asInt()).isEqualTo(2);
        assertThat(answer.path("webhookBodies").asInt()).isEqualTo(2);
        assertThat(answer.path("fieldStates").asInt()).isEqualTo(1);
        assertThat(answer.path("claims").asInt()).isEqualTo(1);
        assertThat(StoreSql.dumpMentions(jdbcUrl, "asked+to@example.com")).isFalse();
        assertThat(history("asked+to@example.com", true).path("events")).hasSize(2);
        assertThat(history("asked+to@example.com", true).path("contactHash").asText())
                .isEqualTo(answer.path("contactHash").asText());

        HttpResponse<String> again = admin("POST", "/admin/contacts/asked%2Bto%40example.com/erase");
        assertThat(json(again).path("events").asInt()).as("nothing left to erase").isZero();
    }

    @Test
    void anErasureOnRequestWaitsForEventsStillToBeDelivered() throws Exception {
        StoreSql.insertEvent(jdbcUrl, "waits", "waits@example.com", "pending", 1000);

        HttpResponse<String> r = admin("POST", "/admin/contacts/waits%40example.com/erase");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).path("error").asText()).isEqualTo("events_waiting");
        assertThat(StoreSql.payload(jdbcUrl, "waits")).as("nothing erased").contains("waits@example.com");
        assertThat(admin("GET", "/admin/contacts/a%40example.com/events?hashed=maybe").statusCode()).isEqualTo(400);
        HttpResponse<String> badCsv = admin("GET", "/admin/contacts/a%40example.com/events.csv?hashed=maybe");
        assertThat(badCsv.statusCode()).isEqualTo(400);
        assertThat(json(badCsv).path("field").asText()).isEqualTo("hashed");
    }
}
