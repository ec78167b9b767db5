package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.TestLogFile;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** The redelivery error handler: transient failures retried (3 retries here), permanent ones dead at once. */
class DeliveryRetryTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void retriesThreeServiceUnavailableAnswersThenDelivers() throws Exception {
        for (int i = 0; i < 3; i++) {
            dotdigital.stubFor(contactPatch().inScenario("flaky").whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
                    .willReturn(aResponse().withStatus(503).withBody("busy")).willSetStateTo("failed-" + (i + 1)));
        }
        dotdigital.stubFor(contactPatch().inScenario("flaky").whenScenarioStateIs("failed-3")
                .willReturn(okJson("{\"contactId\": 1}")));

        String id = accepted(newsletterEvent("evt-flaky", "flaky@example.com", false));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("attempts").asInt()).isEqualTo(4);
        dotdigital.verify(4, patchRequestedFor(urlPathMatching("/contacts/v3/email/flaky@example.com")));
        // the outcome log line counts the retries too, not only the attempt the batch was loaded with
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(java.nio.file.Files.readAllLines(
                TestLogFile.PATH))
                .anyMatch(line -> line.contains("event=" + id + " ") && line.contains("status=delivered") && line.contains("attempts=4")));
    }

    @Test
    void retriesATimeoutAndWaitsOutARateLimit() throws Exception {
        dotdigital.stubFor(contactPatch().inScenario("limits").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("limited"));
        dotdigital.stubFor(contactPatch().inScenario("limits").whenScenarioStateIs("limited")
                .willReturn(aResponse().withStatus(408)).willSetStateTo("timed-out"));
        dotdigital.stubFor(contactPatch().inScenario("limits").whenScenarioStateIs("timed-out")
                .willReturn(okJson("{\"contactId\": 1}")));

        String id = accepted(newsletterEvent("evt-limits", "limits@example.com", false));

        // the 429 pauses instead of spending a retry: two attempts count (408, then success)
        assertThat(awaitStatus(id, "delivered").path("attempts").asInt()).isEqualTo(2);
        dotdigital.verify(3, patchRequestedFor(urlPathMatching("/contacts/v3/email/limits@example.com")));
    }

    @Test
    void aPermanentRejectionIsDeadAfterOneAttemptWithDotdigitalsReason() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorCode\":\"contacts:invalidId\",\"description\":\"The id value is invalid for the identifier 'email'\"}")));

        String id = accepted(newsletterEvent("evt-bad", "bad@example.com", false));

        JsonNode event = awaitStatus(id, "dead");
        assertThat(event.path("attempts").asInt()).isEqualTo(1);
        assertThat(event.path("lastResponseCode").asInt()).isEqualTo(400);
        assertThat(event.path("reason").asText())
                .isEqualTo("HTTP 400 from Dotdigital: contacts:invalidId - The id value is invalid for the identifier 'email'");
        // A retry can only come from an exchange still in flight (Camel's delayed redelivery keeps the exchange in the
        // inflight repository while it waits) or from the store (a `retrying` event with a due time; this one is
        // `dead`). Once nothing is in flight, no retry is pending anywhere: no sleep, no timing luck.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(10))
                .until(() -> context.getInflightRepository().size() == 0);
        assertThat(awaitStatus(id, "dead").path("attempts").asInt()).isEqualTo(1);
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void exhaustedQuickRetriesLeaveTheEventWaitingInTheStoreNotDead() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(503).withBody("down for maintenance")));

        String id = accepted(newsletterEvent("evt-down", "down@example.com", false));

        JsonNode[] event = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() -> {
            event[0] = json(admin("GET", "/admin/events/" + id));
            assertThat(event[0].path("reason").asText()).contains("quick retries spent: waits in the store");
        });
        assertThat(event[0].path("status").asText()).isEqualTo("retrying");
        assertThat(event[0].path("attempts").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(event[0].path("lastResponseCode").asInt()).isEqualTo(503);
        assertThat(event[0].path("reason").asText()).startsWith("HTTP 503 from Dotdigital: down for maintenance");
        dotdigital.verify(moreThanOrExactly(4), patchRequestedFor(urlPathMatching(".*")));
    }
}
