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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * Scale-out on a real PostgreSQL: two connector processes share one store, events are spread over both, one is
 * killed with SIGKILL mid-run. Every accepted event is delivered, no field is written by an older choice after a
 * newer one, and only writes the killed process had in flight may be sent again (no idempotency key exists in
 * Dotdigital's API). Each instance calls its own Dotdigital stub, so the test sees who wrote what.
 */
class TwoInstancesOnPostgresTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CONTACTS = 40;
    private static final int ROUNDS = 6;
    private static final int CONCURRENCY = 4;

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
            stub.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson("""
                    [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                     {"name": "TOPICS", "type": "String", "visibility": "Private", "defaultValue": null}]""")));
            // slow enough that the kill lands while writes are in flight
            stub.stubFor(patch(urlPathMatching("/contacts/v3/email/.*"))
                    .willReturn(okJson("{\"contactId\": 1, \"status\": \"subscribed\"}").withFixedDelay(150)));
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

    private Map<String, String> properties(String instance, WireMockServer stub) throws Exception {
        Path integration = tmp.resolve(instance + ".json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "apiuser-shared@apiconnector.com"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                              {"id": "TOPICS", "value": "consents_purposes_marketing_values_topics_value"}],
                 "upsert_mode": true}""".formatted(stub.baseUrl()));
        Map<String, String> p = new HashMap<>();
        p.put("sync.integration-file", integration.toString());
        p.put("sync.dotdigital.password", "pw");
        p.put("sync.admin.password", "admin");
        p.put("sync.store.jdbc-url", postgres.jdbcUrl());
        p.put("sync.store.username", postgres.user());
        p.put("sync.instance-id", instance);
        p.put("sync.delivery.poll-interval-ms", "50");
        p.put("sync.delivery.concurrency", String.valueOf(CONCURRENCY));
        // a poll claims no more contacts than the node writes at once: otherwise whichever node polls first takes all
        // 40, the other writes nothing, and the kill no longer lands mid-run on a node with writes in flight
        p.put("sync.delivery.batch-size", String.valueOf(CONCURRENCY));
        p.put("sync.delivery.lease-ms", "3000");
        p.put("sync.mapping-check.initial-delay-ms", "3600000");
        return p;
    }

    @Test
    void killingOneOfTwoInstancesMidRunLosesNothingAndWritesNoOlderChoiceLast() throws Exception {
        ConnectorProcess a = ConnectorProcess.start(properties("node-a", dotdigitalA), tmp.resolve("a.log"));
        try (a; ConnectorProcess b = ConnectorProcess.start(properties("node-b", dotdigitalB), tmp.resolve("b.log"))) {
            a.awaitReady(Duration.ofSeconds(90));
            b.awaitReady(Duration.ofSeconds(90));

            // duplicate detection holds across instances
            HttpResponse<String> first = post(a.port, event("evt-dup", "dup@example.com", 0));
            HttpResponse<String> again = post(b.port, event("evt-dup", "dup@example.com", 0));
            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(JSON.readTree(again.body()).path("id")).isEqualTo(JSON.readTree(first.body()).path("id"));

            Map<String, String> newestEventOf = new HashMap<>();
            List<String> accepted = new ArrayList<>(List.of(JSON.readTree(first.body()).path("id").asText()));
            for (int round = 0; round < 3; round++) { // spread over both
                for (int c = 0; c < CONTACTS; c++) {
                    accepted.add(acceptedId(post((c + round) % 2 == 0 ? a.port : b.port, event("evt-" + c + "-" + round, contact(c), round))));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> dotdigitalA.getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getMethod().getName().equals("PATCH")).count() >= 3);
            a.kill();
            long waitingAtKill = count("select count(*) from consent_event where status in ('pending', 'retrying')");
            for (int round = 3; round < ROUNDS; round++) { // the survivor takes the rest
                for (int c = 0; c < CONTACTS; c++) {
                    String id = acceptedId(post(b.port, event("evt-" + c + "-" + round, contact(c), round)));
                    accepted.add(id);
                    newestEventOf.put(contact(c), id);
                }
            }

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    count("select count(*) from consent_event where status in ('pending', 'retrying')") == 0);

            assertThat(waitingAtKill).as("the kill landed mid-run").isPositive();
            // every accepted event reached a final state that is not a failure
            assertThat(count("select count(*) from consent_event where status in ('delivered', 'stale')"))
                    .as("delivered or stale; the others: %s", otherOutcomes()).isEqualTo(accepted.size());
            // the newest choice of every contact is what Dotdigital holds, per the field-state record
            try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery(
                    "select contact_key, event_id from contact_field_state where field_name = 'TOPICS'")) {
                Map<String, String> writtenBy = new HashMap<>();
                while (rs.next()) {
                    writtenBy.put(rs.getString(1), rs.getString(2));
                }
                assertThat(writtenBy).containsAllEntriesOf(newestEventOf);
            }

            List<Write> writes = new ArrayList<>(writes(dotdigitalA, "node-a"));
            writes.addAll(writes(dotdigitalB, "node-b"));
            writes.sort(Comparator.comparing(Write::at));
            assertThat(writes).as("both instances delivered").anyMatch(w -> w.node.equals("node-a")).anyMatch(w -> w.node.equals("node-b"));
            Map<String, Integer> lastRound = new HashMap<>();
            Map<String, List<Write>> byValue = new HashMap<>();
            for (Write w : writes) {
                Integer before = lastRound.put(w.contact, w.round);
                assertThat(before == null || before <= w.round)
                        .as("%s got round %d after round %s", w.contact, w.round, before).isTrue();
                byValue.computeIfAbsent(w.contact + "/" + w.round, k -> new ArrayList<>()).add(w);
            }
            for (int c = 0; c < CONTACTS; c++) {
                assertThat(lastRound.get(contact(c))).isEqualTo(ROUNDS - 1);
            }
            // written twice only when the killed instance had the write in flight: it sent it, never recorded it
            List<List<Write>> twice = byValue.values().stream().filter(ws -> ws.size() > 1).toList();
            assertThat(twice).hasSizeLessThanOrEqualTo(CONCURRENCY).allSatisfy(ws -> {
                assertThat(ws).hasSize(2);
                assertThat(ws.get(0).node).isEqualTo("node-a");
                assertThat(ws.get(1).node).isEqualTo("node-b");
            });
            System.out.printf("two instances on PostgreSQL: %d events, %d writes (node-a %d, node-b %d), %d resent after the kill, %d waiting at the kill%n",
                    accepted.size(), writes.size(), writes.stream().filter(w -> w.node.equals("node-a")).count(),
                    writes.stream().filter(w -> w.node.equals("node-b")).count(), twice.size(), waitingAtKill);
        }
    }

    private record Write(String node, String contact, int round, java.util.Date at) {
    }

    private static List<Write> writes(WireMockServer stub, String node) throws Exception {
        List<Write> writes = new ArrayList<>();
        for (ServeEvent e : stub.getAllServeEvents()) {
            if (e.getRequest().getMethod().getName().equals("PATCH")) {
                JsonNode body = JSON.readTree(e.getRequest().getBodyAsString());
                writes.add(new Write(node, body.path("identifiers").path("email").asText(),
                        Integer.parseInt(body.path("dataFields").path("TOPICS").asText().substring(1)), e.getRequest().getLoggedDate()));
            }
        }
        return writes;
    }

    private static String contact(int c) {
        return "member" + c + "@example.com";
    }

    /** Round r of a contact: consent time 09:0r, topics "r{r}", newsletter on even rounds. */
    private static String event(String id, String email, int round) {
        return """
                {"type": "event.created", "parameters": {"entity": {"id": "%s", "created_at": "2024-05-02T09:0%d:00Z",
                  "user": {"organization_user_id": "%s"},
                  "consents": {"purposes": [{"id": "newsletter", "enabled": %s},
                                            {"id": "marketing", "values": {"topics": {"value": "r%d"}}}]}}}}
                """.formatted(id, round, email, round % 2 == 0, round);
    }

    private static String acceptedId(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private static HttpResponse<String> post(int port, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/didomi"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
    }

    /** Status, reason and count of every event that is neither delivered nor stale (for a failure's message). */
    private List<String> otherOutcomes() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery("select status, reason, count(*) "
                + "from consent_event where status not in ('delivered', 'stale') group by status, reason")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " x" + rs.getLong(3) + ": " + rs.getString(2));
            }
        }
        return rows;
    }

    private long count(String sql) throws SQLException {
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
