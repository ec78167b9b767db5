package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events answered 202 survive kill -9 of the connector while Dotdigital is down, and a restarted process on the same
 * store delivers every one of them.
 */
class CrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** enough that, at the kill, some wait unclaimed in the store, some sit in the delivery queue, some are retrying */
    private static final int EVENTS = 30;

    @TempDir
    Path tmp;
    private WireMockServer dotdigital;
    private Map<String, String> properties;

    @BeforeEach
    void setUp() throws Exception {
        dotdigital = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        dotdigital.start();
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(
                "[{\"name\": \"NEWSLETTER\", \"type\": \"Boolean\", \"visibility\": \"Private\", \"defaultValue\": null}]")));
        Path integration = tmp.resolve("integration.json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}], "upsert_mode": true}
                """.formatted(dotdigital.baseUrl()));
        properties = Map.of(
                "sync.integration-file", integration.toString(),
                "sync.dotdigital.password", "pw",
                "sync.admin.password", "admin",
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store"),
                "sync.instance-id", "crash-test",
                "sync.delivery.poll-interval-ms", "50",
                "sync.retry.initial-delay-ms", "500",
                "sync.retry.max-delay-ms", "1000",
                "sync.outage.probe-interval-ms", "1000");
    }

    @AfterEach
    void tearDown() {
        dotdigital.stop();
    }

    @Test
    void killedDuringAnOutageThenRestartedDeliversEveryAcceptedEvent() throws Exception {
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/.*")).willReturn(aResponse().withStatus(503)));
        dotdigital.stubFor(get(urlPathEqualTo("/v2/account-info")).willReturn(aResponse().withStatus(503)));
        List<String> ids = new ArrayList<>();
        try (ConnectorProcess first = ConnectorProcess.start(properties, tmp.resolve("first.log"))) {
            first.awaitReady(Duration.ofSeconds(60));
            for (int i = 0; i < EVENTS; i++) {
                HttpResponse<String> r = post(first.port, "/webhooks/didomi", event("evt-crash-" + i, "crash" + i + "@example.com"));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                ids.add(JSON.readTree(r.body()).path("id").asText());
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(status(first, ids.get(0)).path("status").asText()).isEqualTo("retrying"));
            first.kill();
        }

        dotdigital.resetRequests();
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/.*")).willReturn(okJson("{\"contactId\": 1}")));
        // the outage pause the first process started is shared through the store: the next probe ends it
        dotdigital.stubFor(get(urlPathEqualTo("/v2/account-info")).willReturn(okJson("{\"id\": 1}")));
        try (ConnectorProcess second = ConnectorProcess.start(properties, tmp.resolve("second.log"))) {
            second.awaitReady(Duration.ofSeconds(60));
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(status(second, id).path("status").asText()).isEqualTo("delivered"));
            }
            assertThat(second.output()).contains("claims released after restart: ");
        }
        for (int i = 0; i < EVENTS; i++) {
            dotdigital.verify(1, patchRequestedFor(urlPathEqualTo("/contacts/v3/email/crash" + i + "@example.com")));
        }
    }

    private static String event(String id, String email) {
        return """
                {"type": "event.created", "parameters": {"entity": {"id": "%s", "created_at": "2024-05-02T09:15:00Z",
                  "user": {"organization_user_id": "%s"}, "consents": {"purposes": [{"id": "newsletter", "enabled": false}]}}}}
                """.formatted(id, email);
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode status(ConnectorProcess c, String id) throws Exception {
        return JSON.readTree(c.admin("GET", "/admin/events/" + id, null).body());
    }
}
