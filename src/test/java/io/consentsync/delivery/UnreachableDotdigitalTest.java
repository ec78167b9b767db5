package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A refused connection is retried like a 5xx, then the event is dead with a reason an operator can act on. */
class UnreachableDotdigitalTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        // nothing listens on this port
        return super.integration().replace(dotdigital.baseUrl(), "http://127.0.0.1:" + AvailablePortFinder.getNextAvailable());
    }

    @Test
    void refusedConnectionsAreRetriedThenDead() throws Exception {
        String id = accepted(newsletterEvent("evt-unreachable", "nowhere@example.com", true));

        JsonNode event = awaitStatus(id, "dead");
        assertThat(event.path("attempts").asInt()).isEqualTo(4);
        assertThat(event.path("reason").asText()).startsWith("cannot connect to Dotdigital");
        assertThat(event.path("lastResponseCode").isNull()).isTrue();
    }
}
