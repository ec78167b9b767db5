package io.consentsync.admin;

import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.TestLogFile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Guessing the admin password is throttled; the admin API cannot be driven from another site or framed. */
class AdminHardeningTest extends ConnectorTestSupport {

    private static final Path LOG = TestLogFile.PATH;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.admin.max-failed-logins", "3", "sync.admin.lockout-seconds", "2");
    }

    @Test
    void repeatedFailedLoginsLockTheAddressOutForAWhile() throws Exception {
        long before = Files.size(LOG);
        for (int i = 0; i < 3; i++) {
            assertThat(get("/admin/events", basic("admin", "guess-" + i)).statusCode()).isEqualTo(401);
        }
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> locked = get("/admin/events", basic("admin", i == 4 ? ADMIN_PASSWORD : "guess"));
            assertThat(locked.statusCode()).as("even the right password during the lockout").isEqualTo(429);
            assertThat(json(locked).path("error").asText()).isEqualTo("too_many_failed_logins");
            assertThat(locked.headers().firstValue("Retry-After")).hasValueSatisfying(
                    v -> assertThat(Integer.parseInt(v)).isBetween(1, 2));
        }
        String logged = loggedSince(before);
        assertThat(logged.lines().filter(l -> l.contains("failed logins from")).count()).as(logged).isEqualTo(1);
        assertThat(logged).doesNotContain("guess");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(get("/admin/events", basic("admin", ADMIN_PASSWORD)).statusCode()).isEqualTo(200));
    }

    @Test
    void aCrossSitePostIsRefused() throws Exception {
        HttpResponse<String> r = post("/admin/events/some-id/replay", "", null,
                Map.of("Authorization", basic("admin", ADMIN_PASSWORD), "Origin", "https://evil.example"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(json(r).path("field").asText()).isEqualTo("Origin");

        HttpResponse<String> form = post("/admin/events/replay", "status=dead", "application/x-www-form-urlencoded",
                Map.of("Authorization", basic("admin", ADMIN_PASSWORD)));
        assertThat(form.statusCode()).as(form.body()).isEqualTo(415);
        assertThat(json(form).path("field").asText()).isEqualTo("Content-Type");

        HttpResponse<String> text = post("/admin/events/some-id/replay", "{}", "text/plain",
                Map.of("Authorization", basic("admin", ADMIN_PASSWORD), "Origin", "http://127.0.0.1:" + port));
        assertThat(text.statusCode()).as(text.body()).isEqualTo(415);

        // the connector's own page: same origin, no body
        HttpResponse<String> own = post("/admin/events/some-id/replay", "", null,
                Map.of("Authorization", basic("admin", ADMIN_PASSWORD), "Origin", "http://127.0.0.1:" + port));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(404);
    }

    @Test
    void theStatusPageCannotBeFramedAndRunsNoInlineCode() throws Exception {
        HttpResponse<String> page = get("/", basic("admin", ADMIN_PASSWORD));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.body()).doesNotContain("<style>").doesNotContain("<script>");
        assertThat(get("/status/status.js", basic("admin", ADMIN_PASSWORD)).body()).contains("function render");
        assertThat(get("/status/status.css", basic("admin", ADMIN_PASSWORD)).headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the log file got since the given size (bytes: the file may hold non-ASCII text). */
    private static String loggedSince(long size) throws java.io.IOException {
        byte[] all = Files.readAllBytes(LOG);
        return new String(all, (int) size, all.length - (int) size, java.nio.charset.StandardCharsets.UTF_8);
    }
}
