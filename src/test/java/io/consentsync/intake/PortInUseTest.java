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

    /** Not a port, too large, or the management port on the webhook port (found outside): refused by name. */
    @Test
    void aPortThatIsNoPortOrTheManagementPortOnTheWebhookPortIsRefusedByName() throws Exception {
        assertRefused(Map.of("camel.server.port", "abc"), "camel.server.port must be a port number from 0 to 65535, found: abc");
        assertRefused(Map.of("camel.management.port", "70000"),
                "camel.management.port must be a port number from 0 to 65535, found: 70000");
        assertRefused(Map.of("camel.server.port", "18085", "camel.management.port", "18085"),
                "camel.management.port must differ from camel.server.port (both 18085)");
        // both 0: Camel opened one server for both, its management answers on the webhook's address (found outside)
        assertRefused(Map.of("camel.server.port", "0", "camel.management.port", "0"),
                "camel.management.port must differ from camel.server.port (both 0)");
        // empty: Camel Main refuses it before the connector's check, now with the same short answer
        assertRefused(Map.of("camel.server.port", ""), "Error configuring property: camel.server.port because value is empty");
    }

    private void assertRefused(Map<String, String> ports, String message) throws Exception {
        Map<String, String> properties = new java.util.HashMap<>(properties());
        properties.putAll(ports);
        try (ConnectorProcess connector = ConnectorProcess.start(properties, tmp.resolve("refused.log"))) {
            assertThat(connector.awaitExit(Duration.ofSeconds(60))).as(connector.output()).isEqualTo(1);
            assertThat(connector.output()).contains("dotdigital-consent-sync cannot start: " + message)
                    .doesNotContain("Exception in thread");
        }
    }

    private Map<String, String> properties() throws Exception {
        Path integration = tmp.resolve("integration.json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "http://127.0.0.1:9", "username": "apiuser-x@apiconnector.com"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}]}
                """);
        return Map.of("sync.integration-file", integration.toString(),
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store"),
                "sync.admin.password", "admin");
    }

    private void assertStartupStopsWhileTaken(String key) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            Map<String, String> properties = new java.util.HashMap<>(properties());
            properties.put(key, String.valueOf(taken.getLocalPort()));
            try (ConnectorProcess connector = ConnectorProcess.start(properties, tmp.resolve("connector.log"))) {
                assertThat(connector.awaitExit(Duration.ofSeconds(60))).as(connector.output()).isEqualTo(1);
                assertThat(connector.output()).contains("dotdigital-consent-sync cannot start: the HTTP listener cannot listen on")
                        .contains(":" + taken.getLocalPort() + " (" + key + ")");
            }
        }
    }
}
