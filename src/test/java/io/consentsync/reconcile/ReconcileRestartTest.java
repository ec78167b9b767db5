package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import io.consentsync.support.DidomiContract;
import io.consentsync.support.DidomiStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real connector processes: a run is going (Didomi keeps answering 503) when the connector is killed; the restarted
 * connector marks it failed with a reason, frees the lock, and a new run goes through. The secret is read from
 * sync.didomi.api-secret-file.
 */
class ReconcileRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private WireMockServer dotdigital;
    private DidomiStub didomi;
    private Map<String, String> properties;

    @BeforeEach
    void setUp() throws Exception {
        dotdigital = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        dotdigital.start();
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(
                "[{\"name\": \"NEWSLETTER\", \"type\": \"Boolean\", \"visibility\": \"Private\", \"defaultValue\": null}]")));
        didomi = new DidomiStub();
        Path integration = tmp.resolve("integration.json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}], "upsert_mode": true}
                """.formatted(dotdigital.baseUrl()));
        Path secret = tmp.resolve("didomi-secret");
        Files.writeString(secret, DidomiStub.API_SECRET + "\n");
        properties = Map.of(
                "sync.integration-file", integration.toString(),
                "sync.dotdigital.password", "pw",
                "sync.admin.password", "admin",
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store"),
                "sync.instance-id", "reconcile-restart-test",
                "sync.didomi.api-url", didomi.baseUrl(),
                "sync.didomi.organization-id", DidomiStub.ORGANIZATION,
                "sync.didomi.api-key", DidomiStub.API_KEY,
                "sync.didomi.api-secret-file", secret.toString(),
                "sync.didomi.retry-initial-delay-ms", "200");
    }

    @AfterEach
    void tearDown() {
        dotdigital.stop();
        didomi.close();
    }

    @Test
    void aRunCutOffByARestartIsMarkedFailedAndTheNextOneRuns() throws Exception {
        didomi.holds(List.of(DidomiStub.user("u1", "restart@example.com", true, null, "2024-06-01T10:00:00.000Z")));
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1).willReturn(aResponse().withStatus(503)));
        String interrupted;
        try (ConnectorProcess first = ConnectorProcess.start(properties, tmp.resolve("first.log")).awaitReady(Duration.ofSeconds(60))) {
            HttpResponse<String> started = first.admin("POST", "/admin/reconcile", "{\"dryRun\": true}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            interrupted = JSON.readTree(started.body()).path("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    !didomi.server.findAll(getRequestedFor(urlPathEqualTo("/consents/users"))).isEmpty());
            assertThat(first.admin("POST", "/admin/reconcile", "{}").statusCode()).as("one run at a time").isEqualTo(409);
            first.kill();
        }
        didomi.reset();
        didomi.holds(List.of(DidomiStub.user("u1", "restart@example.com", true, null, "2024-06-01T10:00:00.000Z")));
        try (ConnectorProcess second = ConnectorProcess.start(properties, tmp.resolve("second.log")).awaitReady(Duration.ofSeconds(60))) {
            JsonNode failed = JSON.readTree(second.admin("GET", "/admin/reconcile/" + interrupted, null).body());
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("reason").asText()).contains("interrupted");
            assertThat(failed.path("finishedAt").isNull()).isFalse();

            HttpResponse<String> next = second.admin("POST", "/admin/reconcile", "{\"dryRun\": true}");
            assertThat(next.statusCode()).as(next.body()).isEqualTo(202);
            String id = JSON.readTree(next.body()).path("id").asText();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode run = JSON.readTree(second.admin("GET", "/admin/reconcile/" + id, null).body());
                assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("finished");
                assertThat(run.path("contactsChanged").asLong()).isEqualTo(1);
            });
            assertThat(DidomiContract.violations(didomi.requests())).isEmpty();
            assertThat(second.output()).doesNotContain(DidomiStub.API_SECRET);
        }
    }
}
