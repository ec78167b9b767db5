package io.consentsync.intake;

import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.TestLogFile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers carry only the headers the connector sets, never the request's headers, query parameters or form fields;
 * credentials count only where they belong (the Authorization header, the token endpoint's form body).
 */
class HttpAnswerHeadersTest extends ConnectorTestSupport {

    private static final String QUERY = "?Refresh=0&Access-Control-Allow-Origin=https://evil.example";
    private static final Map<String, String> HOSTILE = Map.of("Set-Cookie", "x=1", "Location", "http://evil.example",
            "Access-Control-Allow-Credentials", "true");
    private static final List<String> MUST_NOT_COME_BACK = List.of("set-cookie", "location", "refresh",
            "access-control-allow-origin", "access-control-allow-credentials", "client_secret", "client_id",
            "grant_type", "authorization");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.webhook.client-id", "didomi", "sync.webhook.client-secret", CLIENT_SECRET);
    }

    @Test
    void failingAndSucceedingAnswersReflectNothing() throws Exception {
        String form = "grant_type=client_credentials&client_id=didomi&client_secret=" + CLIENT_SECRET;
        String wrongForm = "grant_type=client_credentials&client_id=didomi&client_secret=wrong-secret";
        // token endpoint: refused, then granted
        assertOnlyOurs(send("POST", "/oauth/token" + QUERY, wrongForm, "application/x-www-form-urlencoded", null), 401);
        HttpResponse<String> token = send("POST", "/oauth/token" + QUERY, form, "application/x-www-form-urlencoded", null);
        assertOnlyOurs(token, 200);
        String bearer = "Bearer " + json(token).path("access_token").asText();
        // webhook: refused, then accepted
        assertOnlyOurs(send("POST", "/webhooks/didomi" + QUERY, "{}", "application/json", bearer), 400);
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        assertOnlyOurs(send("POST", "/webhooks/didomi" + QUERY, newsletterEvent("evt-hdr", "hdr@example.com", true),
                "application/json", bearer), 202);
        // admin JSON and the status page: refused, then answered
        assertOnlyOurs(send("GET", "/admin/events" + QUERY, null, null, basic("admin", "wrong")), 401);
        assertOnlyOurs(send("GET", "/admin/events" + QUERY, null, null, basic("admin", ADMIN_PASSWORD)), 200);
        assertOnlyOurs(send("GET", "/" + QUERY, null, null, basic("admin", ADMIN_PASSWORD)), 200);
    }

    @Test
    void anUnauthenticatedFormWithAColonInAFieldNameIsRefusedWithoutLogging() throws Exception {
        Path log = TestLogFile.PATH;
        long before = Files.size(log);
        String form = "a:b=victim%40example.com&grant_type=client_credentials";
        HttpResponse<String> webhook = send("POST", "/webhooks/didomi", form, "application/x-www-form-urlencoded", null);
        assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(401);
        assertThat(json(webhook).path("field").asText()).isEqualTo("Authorization");
        HttpResponse<String> token = send("POST", "/oauth/token", form, "application/x-www-form-urlencoded", null);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(401);
        assertThat(json(token).path("error").asText()).isEqualTo("invalid_client");
        byte[] all = Files.readAllBytes(log);
        String logged = new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
        assertThat(logged).as("refusals are not logged").isEmpty();
    }

    @Test
    void aBearerTokenInTheQueryStringIsRefused() throws Exception {
        String token = json(send("POST", "/oauth/token", "grant_type=client_credentials&client_id=didomi&client_secret="
                + CLIENT_SECRET, "application/x-www-form-urlencoded", null)).path("access_token").asText();
        assertThat(token).isNotEmpty();
        HttpResponse<String> r = send("POST", "/webhooks/didomi?Authorization="
                        + URLEncoder.encode("Bearer " + token, StandardCharsets.UTF_8),
                newsletterEvent("evt-query-token", "query@example.com", true), "application/json", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(json(r).path("field").asText()).isEqualTo("Authorization");
    }

    @Test
    void clientCredentialsInTheQueryStringAreRefused() throws Exception {
        HttpResponse<String> r = send("POST", "/oauth/token?grant_type=client_credentials&client_id=didomi&client_secret="
                + CLIENT_SECRET, "", "application/x-www-form-urlencoded", null);
        assertThat(r.statusCode()).as(r.body()).isIn(400, 401);
        assertThat(r.body()).doesNotContain("access_token");
        HttpResponse<String> credentialsOnly = send("POST", "/oauth/token?client_id=didomi&client_secret=" + CLIENT_SECRET,
                "grant_type=client_credentials", "application/x-www-form-urlencoded", null);
        assertThat(credentialsOnly.statusCode()).as(credentialsOnly.body()).isEqualTo(401);
        assertThat(json(credentialsOnly).path("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void adminBasicCredentialsInTheQueryStringAreRefused() throws Exception {
        HttpResponse<String> r = send("GET", "/admin/events?Authorization="
                + URLEncoder.encode(basic("admin", ADMIN_PASSWORD), StandardCharsets.UTF_8), null, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HOSTILE.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertOnlyOurs(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        for (String name : MUST_NOT_COME_BACK) {
            assertThat(r.headers().firstValue(name)).as(name + " in " + r.headers().map()).isEmpty();
        }
        assertThat(r.headers().map().toString()).doesNotContain(CLIENT_SECRET).doesNotContain("evil.example");
    }
}
