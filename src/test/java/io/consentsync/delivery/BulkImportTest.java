package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** A burst in upsert mode goes out as one bulk import; its report is mapped back to each contact's events. */
class BulkImportTest extends ConnectorTestSupport {

    private static final String IMPORT = "/contacts/v3/import";

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.import.min-waiting-events", "5", "sync.import.poll-interval-ms", "100",
                "sync.import.status-poll-ms", "100");
    }

    /** Queues a burst while both delivery paths are stopped, then lets them decide. */
    private List<String> burst(int contacts, String... later) throws Exception {
        context.getRouteController().stopRoute("dispatch-due-events");
        context.getRouteController().stopRoute("import-waiting-contacts");
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < contacts; c++) {
            ids.add(accepted(newsletterEvent("evt-burst-" + c, "burst" + c + "@example.com", true)));
        }
        for (String event : later) { // events that arrive after the burst began, before it is written
            ids.add(accepted(event));
        }
        context.getRouteController().startRoute("dispatch-due-events");
        context.getRouteController().startRoute("import-waiting-contacts");
        return ids;
    }

    @Test
    void aBurstIsWrittenByOneImportAndEachContactGetsItsOutcome() throws Exception {
        dotdigital.stubFor(put(urlPathEqualTo(IMPORT)).willReturn(okJson("{\"importId\": \"imp-1\"}").withStatus(202)));
        dotdigital.stubFor(get(urlPathEqualTo(IMPORT + "/imp-1")).inScenario("import").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"importId\": \"imp-1\", \"status\": \"NotFinished\"}")).willSetStateTo("done"));
        dotdigital.stubFor(get(urlPathEqualTo(IMPORT + "/imp-1")).inScenario("import").whenScenarioStateIs("done")
                .willReturn(okJson("""
                        {"importId": "imp-1", "status": "Finished",
                         "summary": {"newContacts": 0, "updatedContacts": 11, "globallySuppressed": 0, "invalidEntries": 1, "duplicateIdentifiers": 0},
                         "updated": [%s],
                         "failures": [{"matchIdentifier": "email", "identifiers": {"email": "burst3@example.com"},
                                       "failures": [{"failureCode": "invalidEmail", "description": "Invalid value for 'email'"}]}]}
                        """.formatted(java.util.stream.IntStream.range(0, 12).filter(c -> c != 3)
                        .mapToObj(c -> "{\"contactId\": " + c + ", \"identifiers\": {\"email\": \"burst" + c + "@example.com\"}}")
                        .collect(Collectors.joining(","))))));
        // the newest choice of contact 0 (a withdrawal, an hour later) arrives after the burst began: still one value
        // per contact in the import, and contact 0's is the withdrawal
        List<String> ids = burst(12, newsletterEvent("evt-burst-0-newer", "burst0@example.com", false)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T10:15:00.000Z"));
        String newest = ids.get(12);

        assertThat(awaitStatus(newest, "delivered").path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":false}");
        assertThat(awaitStatus(ids.get(0), "stale").path("dataFieldsWritten").toString()).isNotEqualTo("{\"NEWSLETTER\":true}");
        for (int c = 1; c < 12; c++) {
            if (c == 3) {
                assertThat(awaitStatus(ids.get(c), "dead").path("reason").asText())
                        .contains("bulk import imp-1 did not import the contact: invalidemail - Invalid value for 'email'");
            } else {
                JsonNode delivered = awaitStatus(ids.get(c), "delivered");
                assertThat(delivered.path("reason").asText()).isEqualTo("written by bulk import imp-1");
                assertThat(delivered.path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":true}");
            }
        }
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
        dotdigital.verify(1, putRequestedFor(urlPathEqualTo(IMPORT)));
        dotdigital.verify(2, getRequestedFor(urlPathEqualTo(IMPORT + "/imp-1")));
        JsonNode request = JSON.readTree(dotdigital.findAll(putRequestedFor(urlPathEqualTo(IMPORT))).get(0).getBodyAsString());
        assertThat(request.path("mergeOption").asText()).isEqualTo("overwrite");
        assertThat(StreamSupport.stream(request.path("contacts").spliterator(), false)
                .map(c -> c.path("identifiers").path("email").asText()).sorted().toList())
                .hasSize(12).doesNotHaveDuplicates().contains("burst0@example.com");
        for (JsonNode contact : request.path("contacts")) {
            assertThat(contact.path("matchIdentifier").asText()).isEqualTo("email");
            assertThat(contact.path("dataFields").toString()).as(contact.toString()).isEqualTo(
                    contact.path("identifiers").path("email").asText().equals("burst0@example.com")
                            ? "{\"NEWSLETTER\":false}" : "{\"NEWSLETTER\":true}");
        }
    }

    @Test
    void aFailedImportPutsTheEventsBackToWaitAndTheyAreWrittenLater() throws Exception {
        dotdigital.stubFor(put(urlPathEqualTo(IMPORT)).inScenario("retry").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        dotdigital.stubFor(put(urlPathEqualTo(IMPORT)).inScenario("retry").whenScenarioStateIs("up")
                .willReturn(okJson("{\"importId\": \"imp-2\"}").withStatus(202)));
        dotdigital.stubFor(get(urlPathEqualTo(IMPORT + "/imp-2")).willReturn(okJson(
                "{\"importId\": \"imp-2\", \"status\": \"Finished\", \"created\": [], \"updated\": [], \"failures\": []}")));
        stubPatchAnswers(200);

        List<String> ids = burst(6);

        for (String id : ids) {
            JsonNode event = awaitStatus(id, "delivered");
            assertThat(event.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        }
        dotdigital.verify(2, putRequestedFor(urlPathEqualTo(IMPORT)));
    }

    @Test
    void anImportRefusedWith429PausesTheClientAndIsSentAgainAfterThePause() throws Exception {
        dotdigital.stubFor(put(urlPathEqualTo(IMPORT)).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"errorCode\":\"contacts:tooManyActiveImports\"}")).willSetStateTo("free"));
        dotdigital.stubFor(put(urlPathEqualTo(IMPORT)).inScenario("limit").whenScenarioStateIs("free")
                .willReturn(okJson("{\"importId\": \"imp-3\"}").withStatus(202)));
        dotdigital.stubFor(get(urlPathEqualTo(IMPORT + "/imp-3")).willReturn(okJson(
                "{\"importId\": \"imp-3\", \"status\": \"Finished\", \"created\": [], \"updated\": [], \"failures\": []}")));

        List<String> ids = burst(6);

        for (String id : ids) {
            awaitStatus(id, "delivered");
        }
        dotdigital.verify(2, putRequestedFor(urlPathEqualTo(IMPORT)));
        JsonNode rateLimit = json(admin("GET", "/admin/rate-limit"));
        assertThat(rateLimit.path("pausesSinceStart").asInt()).isEqualTo(1);
    }
}
