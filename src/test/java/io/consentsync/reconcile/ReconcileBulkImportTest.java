package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.consentsync.support.DidomiContract;
import io.consentsync.support.DidomiStub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Upsert mode: a run's changed contacts are held back and released together, so they reach Dotdigital as one bulk
 * import (the default thresholds), not contact by contact.
 */
class ReconcileBulkImportTest extends ReconcileTestSupport {

    private static final int USERS = 300;
    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = new java.util.HashMap<>(super.extraProperties());
        properties.putAll(Map.of("sync.import.poll-interval-ms", "100",
                "sync.import.status-poll-ms", "100"));
        return properties;
    }

    @Test
    void aLargeRunGoesOutAsOneBulkImport() throws Exception {
        didomi.holds(IntStream.range(0, USERS).mapToObj(i -> DidomiStub.user("u" + i, "bulk" + i + "@example.com", true,
                null, "2024-06-01T10:00:00.000Z")).toList());
        dotdigital.stubFor(put(urlPathEqualTo("/contacts/v3/import")).willReturn(okJson("{\"importId\": \"imp-r\"}").withStatus(202)));
        dotdigital.stubFor(get(urlPathEqualTo("/contacts/v3/import/imp-r")).willReturn(okJson("""
                {"importId": "imp-r", "status": "Finished",
                 "summary": {"newContacts": %d, "updatedContacts": 0, "globallySuppressed": 0, "invalidEntries": 0, "duplicateIdentifiers": 0},
                 "created": [%s], "failures": []}
                """.formatted(USERS, IntStream.range(0, USERS)
                .mapToObj(c -> "{\"contactId\": " + c + ", \"identifiers\": {\"email\": \"bulk" + c + "@example.com\"}}")
                .collect(Collectors.joining(","))))));

        HttpResponse<String> r = post("/admin/reconcile", "", null, Map.of("Authorization", basic("admin", ADMIN_PASSWORD)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = json(r).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode run = json(admin("GET", "/admin/reconcile/" + id));
            assertThat(run.path("status").asText()).isEqualTo("finished");
            assertThat(run.path("contactsChanged").asLong()).isEqualTo(USERS);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(json(admin("GET",
                "/admin/contacts/bulk" + (USERS - 1) + "@example.com/events")).path("events").get(0).path("status").asText())
                .isEqualTo("delivered"));
        assertThat(dotdigital.findAll(putRequestedFor(urlPathEqualTo("/contacts/v3/import")))).hasSize(1);
        assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching("/contacts/v3/.*")))).as("contact by contact").isEmpty();
        assertThat(DidomiContract.violations(didomi.requests())).isEmpty();
    }
}
