package io.consentsync.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.TestLogFile;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input the store or Dotdigital cannot take is refused at intake with a 400 naming the field, and a request that is
 * not a JSON webhook costs one short log line at most, never its body.
 */
class WebhookInputValidationTest extends ConnectorTestSupport {

    private static final Path LOG = TestLogFile.PATH;

    /** Vert.x answered these itself, in plain text or HTML (found outside): JSON naming the path, as every other 4xx. */
    @Test
    void aPathThatCannotBeDecodedOrThatNoRouteServesGetsJsonNamingThePath() throws Exception {
        for (String request : java.util.List.of("GET /admin/events/%zz", "POST /webhooks/didomi%zz")) {
            String answer = raw(request);
            assertThat(answer).as(request).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/json")
                    .contains("\"field\":\"path\"").contains("cannot be decoded");
        }
        // in the query string of a route with path parameters: it threw inside Vert.x, a plain 400 and a stack trace
        // in the log per request, no credentials needed (found outside)
        long logBefore = Files.size(TestLogFile.PATH);
        for (String request : java.util.List.of("GET /admin/events/x?limit=%zz", "POST /admin/events/x/replay?%G0",
                "GET /admin/contacts/x/events.csv?a=%")) {
            String answer = raw(request);
            assertThat(answer).as(request).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/json")
                    .contains("\"field\":\"query\"");
        }
        byte[] log = Files.readAllBytes(TestLogFile.PATH);
        assertThat(new String(log, (int) logBefore, log.length - (int) logBefore, java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("Unhandled exception").doesNotContain("invalid hex byte");
        HttpResponse<String> wrongMethod = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/webhooks/didomi")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(json(wrongMethod).path("field").asText()).isEqualTo("method");
        HttpResponse<String> nowhere = admin("GET", "/nothing-here");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(nowhere.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(nowhere).path("error").asText()).isEqualTo("not_found");
        // a route's own 404 keeps its own answer
        HttpResponse<String> noEvent = admin("GET", "/admin/events/no-such-event");
        assertThat(noEvent.statusCode()).isEqualTo(404);
        assertThat(json(noEvent).path("message").asText()).isNotBlank().doesNotContain("no such path");
    }

    /** A request line Java's HTTP client refuses to send (a bad escape), sent over a plain socket. */
    private String raw(String methodAndPath) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((methodAndPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + basic("admin", ADMIN_PASSWORD) + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                    + "Connection: close\r\n\r\n{}").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void aChannelChoiceThatIsNotABooleanIsRefused() throws Exception {
        String event = consentEvent("evt-typed", "typed@example.com", "[]")
                .replace("\"channels\": []", "\"channels\": [{\"id\": \"email\", \"enabled\": \"no\"}]");
        assertRefused(postWebhook(event), 400, "parameters.entity.consents.channels[0].enabled",
                "enabled must be true, false or null");
    }

    @Test
    void everyKindOfConsentChoiceMustBeABoolean() throws Exception {
        Map<String, String> purposes = Map.of(
                "[{\"id\": \"newsletter\", \"enabled\": 1}]", "parameters.entity.consents.purposes[0].enabled",
                "[{\"id\": \"newsletter\", \"enabled\": true, \"enabled_li\": \"true\"}]",
                "parameters.entity.consents.purposes[0].enabled_li",
                "[{\"id\": \"cookies\", \"preferences\": [{\"id\": \"news\", \"enabled\": {}}]}]",
                "parameters.entity.consents.purposes[0].preferences[0].enabled",
                "[{\"id\": \"cookies\", \"preferences\": [{\"id\": \"news\", \"enabled\": true,"
                        + " \"channels\": [{\"id\": \"email\", \"enabled\": \"yes\"}]}]}]",
                "parameters.entity.consents.purposes[0].preferences[0].channels[0].enabled");
        for (Map.Entry<String, String> p : purposes.entrySet()) {
            assertRefused(postWebhook(consentEvent("evt-typed", "typed@example.com", p.getKey())), 400, p.getValue(),
                    "must be true, false or null");
        }
        assertThat(json(admin("GET", "/admin/events"))).as("nothing half-stored").isEmpty();
    }

    @Test
    void aFormPostWithAColonInAFieldNameGetsAShortRefusal() throws Exception {
        long before = Files.size(LOG);
        HttpResponse<String> r = post("/webhooks/didomi", "a:b=victim%40example.com&email=other%40example.com",
                "application/x-www-form-urlencoded", Map.of());
        assertRefused(r, 415, "Content-Type", "expected application/json");
        assertShortLogWithout(before, "victim", "other@example.com");
    }

    @Test
    void jsonNestedBeyondTheParserLimitIsA400() throws Exception {
        long before = Files.size(LOG);
        String deep = "{\"type\": \"event.created\", \"x\": " + "[".repeat(2000) + "\"deep@example.com\"" + "]".repeat(2000) + "}";
        HttpResponse<String> r = postWebhook(deep);
        assertRefused(r, 400, "body", "nesting depth");
        assertShortLogWithout(before, "deep@example.com");
    }

    @Test
    void valuesLongerThanTheirStoreColumnAreA400NamingTheField() throws Exception {
        String longId = "x".repeat(520) + "@example.com";
        assertRefused(postWebhook(consentEvent("evt-long-user", longId, "[]")), 400,
                "parameters.entity.user.organization_user_id", "longer than 512");
        assertRefused(postWebhook(consentEvent("e".repeat(700), "long@example.com", "[]")), 400,
                "parameters.entity.id", "600 characters");
        assertRefused(postWebhook(consentEvent("evt-long-reg", "long@example.com", "[]")
                        .replace("\"regulation\": \"gdpr\"", "\"regulation\": \"" + "r".repeat(40) + "\"")), 400,
                "regulation", "longer than 32");
        assertRefused(postWebhook(consentEvent("evt-long-type", "long@example.com", "[]")
                        .replace("\"event.created\"", "\"event." + "t".repeat(70) + "\"")), 400,
                "type", "longer than 64");
        assertThat(json(admin("GET", "/admin/events"))).as("nothing half-stored").isEmpty();
    }

    private static void assertRefused(HttpResponse<String> r, int status, String field, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = json(r);
        assertThat(body.path("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(body.path("message").asText()).as(r.body()).contains(message);
        assertThat(r.headers().firstValue("Retry-After")).as("not a retryable answer").isEmpty();
    }

    /** What the connector logged since {@code before} is at most one short line and holds none of the body. */
    private static void assertShortLogWithout(long before, String... bodyParts) throws Exception {
        byte[] all = Files.readAllBytes(LOG);
        String logged = new String(all, (int) before, all.length - (int) before, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(logged.length()).as(logged).isLessThan(300);
        assertThat(logged.lines().count()).as(logged).isLessThanOrEqualTo(1);
        for (String part : bodyParts) {
            assertThat(logged).doesNotContain(part);
        }
    }
}
