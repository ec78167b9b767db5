package io.consentsync;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** sync.dev=true: an edited route file takes effect without a restart. */
class RouteReloadTest extends ConnectorTestSupport {

    private static final Path ROUTES = copyOfRoutes();

    private static Path copyOfRoutes() {
        try {
            Path dir = Files.createTempDirectory("routes");
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.dev", "true",
                "camel.main.routes-include-pattern", "file:" + ROUTES + "/*.camel.yaml",
                "camel.main.routes-reload-directory", ROUTES.toString());
    }

    @Test
    void anEditedRouteFileTakesEffectWithoutARestart() throws Exception {
        assertThat(json(postWebhook(newsletterEvent("evt-before", "a@example.com", true))).path("status").asText())
                .isEqualTo("accepted");
        Path intake = ROUTES.resolve("webhook-intake.camel.yaml");
        Files.writeString(intake, Files.readString(intake).replace("\"status\":\"accepted\"", "\"status\":\"queued\""));

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() ->
                assertThat(json(postWebhook(newsletterEvent("evt-after-" + System.nanoTime(), "a@example.com", true)))
                        .path("status").asText()).isEqualTo("queued"));
    }
}
