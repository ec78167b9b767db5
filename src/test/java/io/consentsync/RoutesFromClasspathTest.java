package io.consentsync;

import io.consentsync.support.ConnectorProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Started from a directory without routes/ (not the repo root), the connector uses the routes/ packed with it (here
 * target/classes/routes, in the jar the same entries) for its routes and the admin API's OpenAPI document; a
 * -Dcamel.main.routes-include-pattern still wins.
 */
class RoutesFromClasspathTest {

    private static final String EVENT = """
            {"type":"event.created","parameters":{"entity":{"id":"elsewhere-1","created_at":"2024-05-02T09:15:00Z",
             "user":{"organization_user_id":"elsewhere@example.com"},
             "consents":{"purposes":[{"id":"newsletter","enabled":false}]}}}}""";

    /**
     * config/ is still read from the working directory (its example is the fallback only there): named absolutely,
     * as a deployment outside the repo names its own integration file.
     */
    private static final Path INTEGRATION = Path.of("config/integration.example.json").toAbsolutePath();

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void startedElsewhereItUsesTheRoutesPackedWithIt() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        try (ConnectorProcess connector = ConnectorProcess.start(Map.of(
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store"),
                "sync.integration-file", INTEGRATION.toString(),
                "sync.admin.password", "elsewhere-pw"), tmp.resolve("run.log"), Map.of(), elsewhere)) {
            connector.awaitReady(Duration.ofSeconds(60));

            HttpResponse<String> webhook = postWebhook(connector);
            assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(202);
            assertThat(webhook.body()).contains("\"status\":\"accepted\"");

            HttpResponse<String> openapi = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + connector.port + "/admin/openapi.json"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "admin:elsewhere-pw".getBytes(StandardCharsets.UTF_8)))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(openapi.statusCode()).as(openapi.body()).isEqualTo(200);
            assertThat(openapi.body()).isEqualTo(Files.readString(Path.of("routes/admin-api.openapi.json")));
            // Camel's verbose startup summary says where the routes came from (App's choice, an initial property)
            assertThat(connector.output()).containsPattern("\\[InitialProperties\\] +sync.routes-location = classpath:routes");
        }
        try (Stream<Path> left = Files.list(elsewhere)) {
            assertThat(left.map(p -> p.getFileName().toString())).doesNotContain("routes");
        }
    }

    @Test
    void anIncludePatternGivenWithDashDStillWins() throws Exception {
        Path routes = Files.createDirectory(tmp.resolve("my-routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Path intake = routes.resolve("webhook-intake.camel.yaml");
        Files.writeString(intake, Files.readString(intake).replace("\"status\":\"accepted\"", "\"status\":\"queued\""));
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        try (ConnectorProcess connector = ConnectorProcess.start(Map.of(
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "sync.integration-file", INTEGRATION.toString(),
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store")), tmp.resolve("run.log"), Map.of(),
                elsewhere)) {
            connector.awaitReady(Duration.ofSeconds(60));
            HttpResponse<String> webhook = postWebhook(connector);
            assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(202);
            assertThat(webhook.body()).contains("\"status\":\"queued\"");
        }
    }

    private HttpResponse<String> postWebhook(ConnectorProcess connector) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.port + "/webhooks/didomi"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EVENT)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
