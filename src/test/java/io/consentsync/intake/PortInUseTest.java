package io.consentsync.intake;

import io.consentsync.support.ConnectorProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A port taken by another process stops startup with a message naming the key, for the webhook port and for the
 * management port: the connector used to run on without a listener (no webhook taken, readiness UP elsewhere).
 */
class PortInUseTest {

    @TempDir
    Path tmp;

    @Test
    void aWebhookPortInUseStopsStartupNamingCamelServerPort() throws Exception {
        assertStartupStopsWhileTaken("camel.server.port");
    }

    @Test
    void aManagementPortInUseStopsStartupNamingCamelManagementPort() throws Exception {
        assertStartupStopsWhileTaken("camel.management.port");
    }

    private void assertStartupStopsWhileTaken(String key) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            Path integration = tmp.resolve("integration.json");
            Files.writeString(integration, """
                    {"type_id": "dotdigital", "authentication": {"url": "http://127.0.0.1:9", "username": "apiuser-x@apiconnector.com"},
                     "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}]}
                    """);
            try (ConnectorProcess connector = ConnectorProcess.start(Map.of(
                    "sync.integration-file", integration.toString(),
                    "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store"),
                    "sync.admin.password", "admin",
                    key, String.valueOf(taken.getLocalPort())), tmp.resolve("connector.log"))) {
                assertThat(connector.awaitExit(Duration.ofSeconds(60))).as(connector.output()).isEqualTo(1);
                assertThat(connector.output()).contains("dotdigital-consent-sync cannot start: the HTTP listener cannot listen on")
                        .contains(":" + taken.getLocalPort() + " (" + key + ")");
            }
        }
    }
}
