package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import io.consentsync.support.DotdigitalContract;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outages and credential problems end with everything delivered, not with dead events. A real connector process, a
 * quick retry schedule of 0.1 s, two probes a second: an outage over 50 times longer than the schedule, a rotated password,
 * and the give-up horizon.
 */
class OutageAndCredentialsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String USER = "apiuser-outage@apiconnector.com";

    @TempDir
    Path tmp;
    private final WireMockServer dotdigital = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void setUp() {
        dotdigital.start();
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(
                "[{\"name\": \"NEWSLETTER\", \"type\": \"Boolean\", \"visibility\": \"Private\", \"defaultValue\": null}]")));
    }

    @AfterEach
    void tearDown() throws Exception {
        assertThat(DotdigitalContract.violations(dotdigital.findAll(anyRequestedFor(anyUrl()))))
                .as("requests that break Dotdigital's published contract").isEmpty();
        dotdigital.stop();
    }

    @Test
    void anOutageFiftyTimesLongerThanTheQuickRetriesEndsWithEverythingDelivered() throws Exception {
        outage(true);
        try (ConnectorProcess connector = ConnectorProcess.start(properties(Map.of()), tmp.resolve("outage.log"))) {
            connector.awaitReady(Duration.ofSeconds(60));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(accepted(connector, "evt-outage-" + i, "outage" + i + "@example.com"));
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(metric(connector, "consent_sync_delivery_paused{reason=\"outage\"")).isEqualTo(1.0));
            // the pause starts after 5 failures in a row; the contacts queued behind them go back untried, so the
            // outage costs the 5 failures and the writes already in flight (4 consumers), not one call per contact
            assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching(".*")))).hasSizeLessThanOrEqualTo(12);
            assertThat(health(connector, "dotdigital").path("message").asText()).contains("delivery paused since");
            assertThat(fetch(connector.managementPort, "/observe/health/ready").statusCode())
                    .as("a pause never stops intake").isEqualTo(200);
            assertThat(accepted(connector, "evt-during", "during@example.com")).isNotBlank();

            // while paused: no write at all, about two probes a second. The waits here are measuring windows (a count of
            // calls over 5 s), not hopes that something has finished: the first 1 s lets the pause start
            Thread.sleep(1000);
            dotdigital.resetRequests();
            Thread.sleep(5_000);
            assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching(".*")))).isEmpty();
            // one probe per half second at the most; fewer when this 2-core machine is busy
            assertThat(dotdigital.findAll(getRequestedFor(urlPathEqualTo("/v2/account-info")))).hasSizeBetween(5, 11);
            assertThat(status(connector, ids.get(0))).isIn("pending", "retrying");

            outage(false); // about 7 s after the first failure: 70 times the 0.1 s schedule
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status(connector, id)).isEqualTo("delivered"));
            }
            assertThat(metric(connector, "consent_sync_delivery_paused{reason=\"outage\"")).isEqualTo(0.0);
            String log = connector.output();
            assertThat(count(log, "Delivery to Dotdigital PAUSED (outage)")).isEqualTo(1);
            assertThat(count(log, "Delivery to Dotdigital RESUMED")).isEqualTo(1);
            assertThat(log).doesNotContain("status=dead");
        }
    }

    @Test
    void aRotatedPasswordPausesDeliveryUntilThePasswordFileHasTheNewOne() throws Exception {
        Path secret = tmp.resolve("dotdigital-password");
        Files.writeString(secret, "old-password\n");
        // the stub accepts only the new password
        for (var call : List.of(patch(urlPathMatching("/contacts/v3/email/.*")), get(urlPathEqualTo("/v2/account-info")))) {
            dotdigital.stubFor(call.atPriority(5).willReturn(aResponse().withStatus(401)
                    .withBody("{\"message\":\"Authorization has been denied for this request.\"}")));
        }
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/.*")).atPriority(1).withBasicAuth(USER, "new-password")
                .willReturn(okJson("{\"contactId\": 1}")));
        dotdigital.stubFor(get(urlPathEqualTo("/v2/account-info")).atPriority(1).withBasicAuth(USER, "new-password")
                .willReturn(okJson("{\"id\": 1}")));

        try (ConnectorProcess connector = ConnectorProcess.start(properties(Map.of(
                "sync.dotdigital.password-file", secret.toString())), tmp.resolve("credentials.log"))) {
            connector.awaitReady(Duration.ofSeconds(60));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(accepted(connector, "evt-rotated-" + i, "rotated" + i + "@example.com"));
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode dd = health(connector, "dotdigital");
                assertThat(dd.path("status").asText()).isEqualTo("DOWN");
                assertThat(dd.path("message").asText()).contains("HTTP 401").contains("credentials");
            });
            assertThat(metric(connector, "consent_sync_delivery_paused{reason=\"credentials\"")).isEqualTo(1.0);
            // why a wait, and why 2 s bounds it: a retry spent on a 401 would follow the quick schedule, 0.1 s in all,
            // and the probe runs twice a second; 2 s holds the whole schedule twenty times over and four probes
            Thread.sleep(2000);
            for (String id : ids) {
                JsonNode e = event(connector, id);
                assertThat(e.path("status").asText()).as("waiting, not dead").isIn("pending", "retrying");
                assertThat(e.path("attempts").asInt()).as("no retry spent on a 401").isLessThanOrEqualTo(1);
            }

            Files.writeString(secret, "new-password\n"); // the mounted secret is rotated; no restart
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status(connector, id)).isEqualTo("delivered"));
            }
            assertThat(connector.output()).doesNotContain("new-password").doesNotContain("old-password");
        }
    }

    @Test
    void theGiveUpHorizonEndsAnEndlessOutageInDeadWithAReason() throws Exception {
        outage(true);
        try (ConnectorProcess connector = ConnectorProcess.start(properties(Map.of("sync.retry.give-up-after-ms", "4000")),
                tmp.resolve("give-up.log"))) {
            connector.awaitReady(Duration.ofSeconds(60));
            String id = accepted(connector, "evt-endless", "endless@example.com");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status(connector, id)).isEqualTo("dead"));
            assertThat(event(connector, id).path("reason").asText())
                    .startsWith("gave up after 4 s of failed attempts (sync.retry.give-up-after-ms)").contains("HTTP 503");
        }
    }

    private void outage(boolean down) {
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/.*")).willReturn(down
                ? aResponse().withStatus(503).withBody("maintenance") : okJson("{\"contactId\": 1}")));
        dotdigital.stubFor(get(urlPathEqualTo("/v2/account-info")).willReturn(down
                ? aResponse().withStatus(503).withBody("maintenance") : okJson("{\"id\": 1}")));
    }

    private Map<String, String> properties(Map<String, String> extra) throws Exception {
        Path integration = tmp.resolve("integration.json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "%s", "password": "old-password"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}], "upsert_mode": true}
                """.formatted(dotdigital.baseUrl(), USER));
        Map<String, String> p = new HashMap<>(Map.of(
                "sync.integration-file", integration.toString(),
                "sync.admin.password", "admin",
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store"),
                "sync.delivery.poll-interval-ms", "50",
                "sync.retry.max-redeliveries", "3",
                "sync.retry.initial-delay-ms", "20",
                "sync.retry.max-delay-ms", "40",
                "sync.retry.park-max-delay-ms", "1000",
                "sync.outage.probe-interval-ms", "500",
                "sync.import.min-waiting-events", "0"));
        p.put("sync.rate-limit.shared-refresh-ms", "200");
        p.put("sync.mapping-check.initial-delay-ms", "3600000");
        p.putAll(extra);
        return p;
    }

    private static String accepted(ConnectorProcess c, String eventId, String email) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port + "/webhooks/didomi"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
                        {"type": "event.created", "parameters": {"entity": {"id": "%s", "created_at": "2024-05-02T09:15:00Z",
                          "user": {"organization_user_id": "%s"},
                          "consents": {"purposes": [{"id": "newsletter", "enabled": false}]}}}}
                        """.formatted(eventId, email))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private static JsonNode event(ConnectorProcess c, String id) throws Exception {
        return JSON.readTree(c.admin("GET", "/admin/events/" + id, null).body());
    }

    private static String status(ConnectorProcess c, String id) throws Exception {
        return event(c, id).path("status").asText();
    }

    private static HttpResponse<String> fetch(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode health(ConnectorProcess c, String check) throws Exception {
        for (JsonNode node : JSON.readTree(fetch(c.managementPort, "/observe/health").body()).path("checks")) {
            if (node.path("name").asText().equals(check)) {
                return node;
            }
        }
        throw new AssertionError("no health check " + check);
    }

    /** The value of the first Prometheus sample whose line starts with {@code series}. */
    private static double metric(ConnectorProcess c, String series) throws Exception {
        for (String line : fetch(c.managementPort, "/observe/metrics").body().split("\n")) {
            if (line.startsWith(series)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + series);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
