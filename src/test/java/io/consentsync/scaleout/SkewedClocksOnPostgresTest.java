package io.consentsync.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.consentsync.support.ConnectorProcess;
import io.consentsync.support.DotdigitalContract;
import io.consentsync.support.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two connector processes on one real PostgreSQL, the second one's clock shifted 30 s ahead with Debian's libfaketime
 * (twice the 15 s lease). Dotdigital is slow (1.25 s a call, a twelfth of the lease). By its own clock the second instance sees every live
 * claim of the first as expired; on the database's clock none is, so every contact is written once, a newer choice
 * sent during a slow write is never overwritten by the older one, and the skew shows in health check store-clock.
 */
class SkewedClocksOnPostgresTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CONTACTS = 24;
    private static final int NEWER = 6;

    @TempDir
    Path tmp;
    private PostgresServer postgres;
    private final WireMockServer dotdigitalA = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    private final WireMockServer dotdigitalB = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeEach
    void setUp() throws Exception {
        postgres = PostgresServer.start();
        for (WireMockServer stub : List.of(dotdigitalA, dotdigitalB)) {
            stub.start();
            stub.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(
                    "[{\"name\": \"NEWSLETTER\", \"type\": \"Boolean\", \"visibility\": \"Private\", \"defaultValue\": null}]")));
            stub.stubFor(patch(urlPathMatching("/contacts/v3/email/.*"))
                    .willReturn(okJson("{\"contactId\": 1, \"status\": \"subscribed\"}").withFixedDelay(1250)));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (WireMockServer stub : List.of(dotdigitalA, dotdigitalB)) {
            assertThat(DotdigitalContract.violations(stub.findAll(anyRequestedFor(anyUrl()))))
                    .as("requests that break Dotdigital's published contract").isEmpty();
            stub.stop();
        }
        postgres.close();
    }

    @Test
    void aClockAMinuteAheadTakesNoLiveClaimAndShowsInHealth() throws Exception {
        // the monotonic clock is shifted too (a constant offset, which nothing can see): left alone, libfaketime 0.9.10 makes
        // the JVM's timed waits return at once, and the process spins, starting in 16 s instead of 1.5
        Map<String, String> shifted = Map.of("LD_PRELOAD", libfaketime(), "FAKETIME", "+30s", "DONT_FAKE_MONOTONIC", "0");
        ConnectorProcess a = ConnectorProcess.start(properties("node-a", dotdigitalA), tmp.resolve("a.log"));
        try (a; ConnectorProcess b = ConnectorProcess.start(properties("node-b", dotdigitalB), tmp.resolve("b.log"), shifted)) {
            a.awaitReady(Duration.ofSeconds(90));
            b.awaitReady(Duration.ofSeconds(90)); // the skew never touches readiness

            for (int c = 0; c < CONTACTS; c++) {
                accepted(post(a.port, event("evt-old-" + c, contact(c), 0)));
            }
            // while the first writes are in flight, newer withdrawals for some contacts reach the other instance
            await().atMost(Duration.ofSeconds(30)).until(() -> patches(dotdigitalA).size() + patches(dotdigitalB).size() >= 4);
            for (int c = 0; c < NEWER; c++) {
                accepted(post(b.port, event("evt-new-" + c, contact(c), 1)));
            }

            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
                    count("select count(*) from consent_event where status in ('pending', 'retrying')") == 0);
            assertThat(count("select count(*) from consent_event where status in ('delivered', 'stale')"))
                    .isEqualTo(CONTACTS + NEWER);

            List<Write> writes = Stream.concat(writes(dotdigitalA, "node-a").stream(), writes(dotdigitalB, "node-b").stream())
                    .sorted(Comparator.comparing(Write::at)).toList();
            Map<String, List<Write>> byChoice = new HashMap<>();
            Map<String, Integer> lastRound = new HashMap<>();
            for (Write w : writes) {
                byChoice.computeIfAbsent(w.contact + "/" + w.round, k -> new ArrayList<>()).add(w);
                Integer before = lastRound.put(w.contact, w.round);
                assertThat(before == null || before <= w.round)
                        .as("%s got the older choice after the newer one", w.contact).isTrue();
            }
            assertThat(byChoice.values()).as("no choice is written twice").allSatisfy(ws -> assertThat(ws).hasSize(1));
            for (int c = 0; c < CONTACTS; c++) {
                assertThat(lastRound.get(contact(c))).as(contact(c)).isEqualTo(c < NEWER ? 1 : 0);
            }

            JsonNode skewed = health(b.managementPort, "store-clock");
            assertThat(skewed.path("status").asText()).isEqualTo("DOWN");
            assertThat(skewed.path("message").asText()).contains("ahead of the database's");
            assertThat(health(a.managementPort, "store-clock").path("status").asText()).isEqualTo("UP");
            assertThat(b.output()).contains("This host's clock is").contains("ahead of the database's");
        }
    }

    private Map<String, String> properties(String instance, WireMockServer stub) throws IOException {
        Path integration = tmp.resolve(instance + ".json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "apiuser-shared@apiconnector.com"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}], "upsert_mode": true}
                """.formatted(stub.baseUrl()));
        Map<String, String> p = new HashMap<>();
        p.put("sync.integration-file", integration.toString());
        p.put("sync.dotdigital.password", "pw");
        p.put("sync.admin.password", "admin");
        p.put("sync.store.jdbc-url", postgres.jdbcUrl());
        p.put("sync.store.username", postgres.user());
        p.put("sync.instance-id", instance);
        p.put("sync.delivery.poll-interval-ms", "100");
        p.put("sync.delivery.lease-ms", "15000"); // timings scaled down together: skew 2x lease, a call 1/12 of it
        p.put("sync.import.min-waiting-events", "0");
        p.put("sync.mapping-check.initial-delay-ms", "3600000");
        return p;
    }

    /** Debian's faketime package (installed by .ci/run). */
    private static String libfaketime() throws IOException {
        try (Stream<Path> arch = Files.list(Path.of("/usr/lib"))) {
            return arch.map(dir -> dir.resolve("faketime/libfaketime.so.1")).filter(Files::exists).findFirst()
                    .map(Path::toString)
                    .orElseThrow(() -> new IllegalStateException("libfaketime not found: apt-get install faketime"));
        }
    }

    private record Write(String node, String contact, int round, java.util.Date at) {
    }

    private static List<ServeEvent> patches(WireMockServer stub) {
        return stub.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals("PATCH")).toList();
    }

    /** Round 0 opts in at 09:00; round 1 withdraws at 09:01. */
    private static List<Write> writes(WireMockServer stub, String node) throws IOException {
        List<Write> writes = new ArrayList<>();
        for (ServeEvent e : patches(stub)) {
            JsonNode body = JSON.readTree(e.getRequest().getBodyAsString());
            writes.add(new Write(node, body.path("identifiers").path("email").asText(),
                    body.path("dataFields").path("NEWSLETTER").asBoolean() ? 0 : 1, e.getRequest().getLoggedDate()));
        }
        return writes;
    }

    private static String contact(int c) {
        return "skew" + c + "@example.com";
    }

    private static String event(String id, String email, int round) {
        return """
                {"type": "event.created", "parameters": {"entity": {"id": "%s", "created_at": "2024-05-02T09:0%d:00Z",
                  "user": {"organization_user_id": "%s"},
                  "consents": {"purposes": [{"id": "newsletter", "enabled": %s}]}}}}
                """.formatted(id, round, email, round == 0);
    }

    private static void accepted(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static HttpResponse<String> post(int port, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/didomi"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode health(int managementPort, String check) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode c : JSON.readTree(r.body()).path("checks")) {
            if (c.path("name").asText().equals(check)) {
                return c;
            }
        }
        throw new AssertionError("no health check " + check + " in " + r.body());
    }

    private long count(String sql) throws Exception {
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
             ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
