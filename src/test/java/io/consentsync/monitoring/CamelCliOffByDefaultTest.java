package io.consentsync.monitoring;

import io.consentsync.support.ConnectorTestSupport;
import org.apache.camel.cli.connector.LocalCliConnector;
import org.apache.camel.spi.CliConnectorFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Camel CLI's connector is off by default (sync.camel-cli.enabled=false): an outside test measured it at about 30%
 * of a core on an idle connector. DeveloperConsoleTest turns it on and reads its status file.
 */
class CamelCliOffByDefaultTest extends ConnectorTestSupport {

    @Test
    void theCliConnectorDoesNotRunUnlessAskedFor() {
        CliConnectorFactory factory = context.getCamelContextExtension().getContextPlugin(CliConnectorFactory.class);
        assertThat(factory).isNotNull();
        assertThat(factory.isEnabled()).isFalse();
        assertThat(context.hasServices(LocalCliConnector.class)).isEmpty();
    }
}
