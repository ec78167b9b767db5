package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import io.consentsync.support.DidomiContract;
import io.consentsync.support.DidomiStub;
import io.consentsync.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two connector processes sharing one PostgreSQL store: while a run goes on at one, the other answers 409 naming it;
 * once it ends, the other runs (and its dry run finds the same user). The run state's SQL on PostgreSQL.
 */
class ReconcileOnPostgresTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private PostgresServer postgres;
    private WireMockServer dotdigital;
    private DidomiStub didomi;

    @BeforeEach
    void setUp() throws Exception {
        postgres = PostgresServer.start();
        dotdigital = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        dotdigital.start();
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(
                "[{\"name\": \"NEWSLETTER\", \"type\": \"Boolean\", \"visibility\": \"Private\", \"defaultValue\": null}]")));
        didomi = new DidomiStub();
    }

    @AfterEach
    void tearDown() throws Exception {
        dotdigital.stop();
        didomi.close();
        postgres.close();
    }

    private Map<String, String> properties(String instance) throws Exception {
        Path integration = tmp.resolve("integration.json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}], "upsert_mode": true}
                """.formatted(dotdigital.baseUrl()));
        Map<String, String> p = new HashMap<>();
        p.put("sync.integration-file", integration.toString());
        p.put("sync.dotdigital.password", "pw");
        p.put("sync.admin.password", "admin");
        p.put("sync.store.jdbc-url", postgres.jdbcUrl());
        p.put("sync.store.username", postgres.user());
        p.put("sync.instance-id", instance);
        p.put("sync.didomi.api-url", didomi.baseUrl());
        p.put("sync.didomi.organization-id", DidomiStub.ORGANIZATION);
        p.put("sync.didomi.api-key", DidomiStub.API_KEY);
        p.put("sync.didomi.api-secret", DidomiStub.API_SECRET);
        p.put("sync.didomi.retry-initial-delay-ms", "300");
        p.put("sync.didomi.max-retries", "4");
        return p;
    }

    @Test
    void oneRunAtATimeAcrossInstances() throws Exception {
        didomi.holds(List.of(DidomiStub.user("u1", "pg@example.com", true, null, "2024-06-01T10:00:00.000Z"))).anyTokenOpens();
        // Didomi busy for a while: the first run keeps retrying
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1).inScenario("busy")
                .whenScenarioStateIs("Started").willSetStateTo("busy-2").willReturn(aResponse().withStatus(503)));
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1).inScenario("busy")
                .whenScenarioStateIs("busy-2").willSetStateTo("free").willReturn(aResponse().withStatus(503).withFixedDelay(2000)));
        try (ConnectorProcess a = ConnectorProcess.start(properties("pg-a"), tmp.resolve("a.log")).awaitReady(Duration.ofSeconds(60));
             ConnectorProcess b = ConnectorProcess.start(properties("pg-b"), tmp.resolve("b.log")).awaitReady(Duration.ofSeconds(60))) {
            HttpResponse<String> first = a.admin("POST", "/admin/reconcile", "{\"dryRun\": true}");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            String id = JSON.readTree(first.body()).path("id").asText();
            HttpResponse<String> second = b.admin("POST", "/admin/reconcile", "{\"dryRun\": true}");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
            assertThat(JSON.readTree(second.body()).path("message").asText()).contains(id);

            JsonNode done = awaitEnd(b, id); // the run is in the shared store: the other instance sees it
            assertThat(done.path("status").asText()).as("%s%n%s", done, a.output()).isEqualTo("finished");
            assertThat(done.path("contactsChanged").asLong()).isEqualTo(1);
            assertThat(JSON.readTree(b.admin("GET", "/admin/reconcile/" + id + "/changes", null).body()).path("changes").get(0)
                    .path("organizationUserId").asText()).isEqualTo("pg@example.com");

            HttpResponse<String> next = b.admin("POST", "/admin/reconcile", "{\"dryRun\": true}");
            assertThat(next.statusCode()).as(next.body()).isEqualTo(202);
            JsonNode nextDone = awaitEnd(a, JSON.readTree(next.body()).path("id").asText());
            assertThat(nextDone.path("status").asText()).isEqualTo("finished");
            assertThat(JSON.readTree(a.admin("GET", "/admin/reconcile", null).body()).path("lastRun").path("id").asText())
                    .isEqualTo(nextDone.path("id").asText());
        }
        assertThat(DidomiContract.violations(didomi.requests())).isEmpty();
    }

    private JsonNode awaitEnd(ConnectorProcess c, String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            last[0] = JSON.readTree(c.admin("GET", "/admin/reconcile/" + id, null).body());
            assertThat(last[0].path("status").asText()).isNotEqualTo("running");
        });
        return last[0];
    }
}
