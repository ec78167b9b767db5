package io.consentsync.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.apache.camel.Route;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Camel's developer console on the management port with application.properties as shipped: Camel's route, inflight
 * and health consoles and the connector's consent-sync and dotdigital consoles answer JSON with their keys, no console
 * (nor the Camel CLI's status file) shows a contact's email or user id, and JMX stays off.
 */
class DeveloperConsoleTest extends ConnectorTestSupport {

    private static final String EMAIL = "console.person@example.com";
    private static final String USER_ID = "didomi-user-7c1d";
    private static final String SYSTEM_SECRET_KEY = "consent-sync-console-test.password";
    private static final String SYSTEM_SECRET = "sys-secret-4e8a";

    @org.junit.jupiter.api.AfterEach
    void clearSystemSecret() {
        System.clearProperty(SYSTEM_SECRET_KEY);
    }

    /** Camel's management layer is on in application.properties; the test kit turns it off unless asked. */
    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withEnableJMX();
    }

    /** The Camel CLI's connector is off unless asked for (it costs a third of a core); this class asks. */
    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.camel-cli.enabled", "true");
    }

    @Test
    void consolesAnswerJsonWithTheirKeysAfterDeliveries() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/dead.*")).atPriority(1)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\": \"invalid data field value\"}")));
        awaitStatus(accepted(newsletterEvent("evt-c1", "c1@example.com", true)), "delivered");
        awaitStatus(accepted(newsletterEvent("evt-c2", "c2@example.com", false)), "delivered");
        awaitStatus(accepted(newsletterEvent("evt-c3", "dead@example.com", true)), "dead");

        JsonNode sync = console("consent-sync");
        assertThat(sync.path("instanceId").asText()).isEqualTo("test-DeveloperConsoleTest");
        assertThat(sync.path("eventsByStatus").path("delivered").asLong()).isEqualTo(2);
        assertThat(sync.path("eventsByStatus").path("dead").asLong()).isEqualTo(1);
        assertThat(sync.path("eventsByStatus").path("pending").asLong()).isZero();
        assertThat(sync.path("waiting").asLong()).isZero();
        assertThat(sync.has("claimsHeld")).as(sync.toString()).isTrue();
        assertThat(sync.path("pausedReasons").isArray()).isTrue();
        assertThat(sync.path("pausedReasons")).isEmpty();
        assertThat(sync.path("pauses").isObject()).isTrue();

        JsonNode dd = console("dotdigital");
        List<String> calls = new ArrayList<>();
        dd.path("lastCalls").forEach(c -> calls.add(c.path("method").asText() + " " + c.path("path").asText() + " "
                + c.path("status").asInt()));
        assertThat(calls).contains("GET /v2/data-fields 200", "GET /contacts/v3/email/{value} 200",
                "PATCH /contacts/v3/email/{value} 200", "PATCH /contacts/v3/email/{value} 400");
        assertThat(calls.get(0)).as("newest first").isEqualTo("PATCH /contacts/v3/email/{value} 400");
        assertThat(dd.path("callsSinceStart").asLong()).isGreaterThanOrEqualTo(calls.size());
        assertThat(dd.path("rateLimit").path("paused").asBoolean(true)).isFalse();
        assertThat(dd.path("rateLimit").has("pausedUntil")).isTrue();
        assertThat(dd.path("dataFieldCatalog").path("loadedAt").isTextual()).as(dd.toString()).isTrue();
        assertThat(dd.path("dataFieldCatalog").path("ageSeconds").isNumber()).isTrue();

        // every route, with its exchange counts; the failed write counted with the time of its last failure
        JsonNode routes = console("route").path("routes");
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        routes.forEach(r -> byId.put(r.path("routeId").asText(), r));
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(
                context.getRoutes().stream().map(Route::getRouteId).toList());
        JsonNode write = byId.get("write-dotdigital-contact").path("statistics");
        assertThat(write.path("exchangesTotal").asLong()).as(write.toString()).isGreaterThanOrEqualTo(3);
        assertThat(write.path("exchangesFailed").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(write.path("lastFailedExchangeTimestamp").asLong()).isPositive();

        assertThat(console("inflight").has("inflight")).isTrue();

        // /q/dev/health tells what /observe/health tells: the same checks, the same states
        JsonNode devHealth = console("health");
        JsonNode observed = json(management("/observe/health"));
        Map<String, String> dev = new LinkedHashMap<>();
        devHealth.path("checks").forEach(c -> dev.put(c.path("id").asText(), c.path("state").asText()));
        Map<String, String> observe = new LinkedHashMap<>();
        observed.path("checks").forEach(c -> observe.put(c.path("name").asText(), c.path("status").asText()));
        assertThat(dev).isNotEmpty().containsEntry("event-store", "UP").containsKey("dotdigital");
        assertThat(dev.keySet()).containsExactlyInAnyOrderElementsOf(observe.keySet());
        observe.forEach((id, state) -> assertThat(dev.get(id)).as(id).isEqualTo(state));

        // on the management port only (loopback by default, see ExposureDefaultsTest), never on the public one
        HttpResponse<String> publicPort = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/dev/route"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(publicPort.statusCode()).isEqualTo(404);
        assertThat(publicPort.body()).doesNotContain("write-dotdigital-contact");
    }

    @Test
    void noConsoleShowsAnEmailOrUserIdEvenWithTheContactInFlight() throws Exception {
        stubContactFound("subscribed");
        String encoded = EMAIL.replace("@", "%40");
        // the write hangs (the contact is in flight) while every console is read
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/console.*")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"contactId\": 42, \"status\": \"subscribed\"}").withFixedDelay(30000)));
        // an earlier failure of the same contact, whose answer names it, is the routes' last error
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/console.*")).atPriority(1)
                .inScenario("first-fails").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("then-hangs")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\": \"invalid contact " + EMAIL + "\"}")));
        awaitStatus(accepted(newsletterEvent("evt-p1", EMAIL, true).replace("didomi-user-1", USER_ID)), "dead");
        accepted(newsletterEvent("evt-p2", EMAIL, false).replace("didomi-user-1", USER_ID));
        await().atMost(Duration.ofSeconds(5)).until(this::writeInFlight);
        // more contacts than delivery threads: their claims wait in the queue between the routes (Camel's own browse
        // console printed them, e-mail and all)
        for (int i = 0; i < 12; i++) {
            accepted(newsletterEvent("evt-q" + i, "console.person" + i + "@example.com", true));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(console("browse").path("browse").findValues("queueSize"))
                .anyMatch(size -> size.asInt() > 0));

        // a secret given as a system property (-D) must not show either (system-properties, jvm)
        System.setProperty(SYSTEM_SECRET_KEY, SYSTEM_SECRET);
        Map<String, String> answers = new LinkedHashMap<>();
        JsonNode listing = JSON.readTree(dev("", "application/json").body());
        Set<String> ids = new HashSet<>();
        listing.fieldNames().forEachRemaining(ids::add);
        assertThat(ids).contains("route", "inflight", "health", "consent-sync", "dotdigital", "event", "log", "browse");
        for (String id : ids) {
            for (String accept : List.of("application/json", "text/plain")) {
                HttpResponse<String> r = dev("/" + id, accept);
                answers.put(id + " (" + accept + ", " + r.statusCode() + ")", r.body());
            }
        }
        assertThat(writeInFlight()).as("still in flight").isTrue();
        // the stuck exchange is shown with the step it waits in
        assertThat(answers.get("inflight (application/json, 200)")).contains("patch-dotdigital-contact");
        assertThat(answers.get("system-properties (application/json, 200)")).contains(SYSTEM_SECRET_KEY);
        assertThat(answers.get("properties (application/json, 200)")).contains("sync.admin.password");
        answers.forEach((console, body) -> assertThat(body).as(console)
                .doesNotContainIgnoringCase(EMAIL).doesNotContainIgnoringCase(encoded)
                .doesNotContainIgnoringCase("console.person").doesNotContain(USER_ID)
                .doesNotContain(DOTDIGITAL_PASSWORD).doesNotContain(ADMIN_PASSWORD).doesNotContain(SYSTEM_SECRET));

        // the Camel CLI reads what the connector writes under ~/.camel (camel get route, camel get inflight)
        long pid = ProcessHandle.current().pid();
        Path camelHome = Path.of(System.getProperty("user.home"), ".camel");
        Path statusFile = camelHome.resolve(pid + "-status.json");
        // written every second while the contact is still in flight
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.exists(statusFile)
                ? Files.readString(statusFile) : "").contains("write-dotdigital-contact"));
        assertThat(writeInFlight()).as("still in flight").isTrue();
        try (Stream<Path> files = Files.list(camelHome)) {
            for (Iterator<Path> it = files.filter(f -> f.getFileName().toString().startsWith(pid + "")).iterator(); it.hasNext(); ) {
                Path f = it.next();
                String content = Files.readString(f);
                assertThat(content).as(f.toString()).doesNotContainIgnoringCase("console.person")
                        .doesNotContainIgnoringCase(encoded).doesNotContain(USER_ID)
                        .doesNotContain(DOTDIGITAL_PASSWORD).doesNotContain(ADMIN_PASSWORD).doesNotContain(SYSTEM_SECRET);
            }
        }
        // let the held write go now instead of after its 30 s: a restarted stub drops the connection (the write fails and
        // the context stops); the requests it got are checked against the contract first, the journal goes with it
        assertThat(io.consentsync.support.DotdigitalContract.violations(dotdigital.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.anyUrl())))).isEmpty();
        dotdigital.stop();
        dotdigital.start();
    }

    @Test
    void jmxIsOffByDefault() throws Exception {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        assertThat(platform.queryNames(new ObjectName("io.consentsync:*"), null)).isEmpty();
        assertThat(platform.queryNames(new ObjectName("org.apache.camel:*"), null)).isEmpty();
        // while Camel's route statistics, kept away from JMX, still feed the route console
        assertThat(console("route").path("routes")).isNotEmpty();
    }

    private boolean writeInFlight() {
        return context.getInflightRepository().browse().stream()
                .anyMatch(e -> "write-dotdigital-contact".equals(e.getAtRouteId()));
    }

    private JsonNode console(String id) throws Exception {
        HttpResponse<String> r = dev("/" + id, "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return JSON.readTree(r.body()).path(id);
    }

    private HttpResponse<String> dev(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/dev" + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
