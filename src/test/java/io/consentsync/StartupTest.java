package io.consentsync;

import io.consentsync.support.ConnectorProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The connector as a process: it starts with no configuration at all, and refuses a bad mapping with a clear exit. */
class StartupTest {

    @TempDir
    Path tmp;

    @Test
    void startsWithNoConfigurationAndSaysWhatIsMissing() throws Exception {
        try (ConnectorProcess connector = ConnectorProcess.start(
                Map.of("sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store")), tmp.resolve("run.log"))) {
            connector.awaitReady(Duration.ofSeconds(60));
            assertThat(connector.output()).contains("Delivery to Dotdigital is PAUSED")
                    .contains("copy config/integration.example.json to config/integration.json");
        }
    }

    @Test
    void refusesAMappingOutsideTheGrammarWithANonZeroExit() throws Exception {
        Path bad = tmp.resolve("integration.json");
        Files.writeString(bad, """
                {"type_id": "dotdigital", "authentication": {"url": "https://r1-api.dotdigital.com", "username": "u", "password": "p"},
                 "mappings": [{"id": "NEWSLETTER", "value": "purposes.newsletter"}]}""");
        try (ConnectorProcess connector = ConnectorProcess.start(Map.of("sync.integration-file", bad.toString(),
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store")), tmp.resolve("bad.log"))) {
            assertThat(connector.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(connector.output()).contains("mappings[0].value \"purposes.newsletter\" is not a supported Didomi key")
                    .contains("dotdigital-consent-sync cannot start: ")
                    .as("the message alone, no stack trace around it").doesNotContain("\tat io.consentsync.");
        }
    }
}
