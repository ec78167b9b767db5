package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refused connection is retried like a 5xx, then the event waits in the store (not dead) with a reason an operator
 * can act on, and delivery pauses for the account.
 */
class UnreachableDotdigitalTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        // nothing listens on this port
        return super.integration().replace(dotdigital.baseUrl(), "http://127.0.0.1:" + AvailablePortFinder.getNextAvailable());
    }

    @Test
    void refusedConnectionsAreRetriedThenWaitInTheStore() throws Exception {
        String id = accepted(newsletterEvent("evt-unreachable", "nowhere@example.com", true));

        JsonNode[] event = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() -> {
            event[0] = json(admin("GET", "/admin/events/" + id));
            assertThat(event[0].path("reason").asText()).contains("quick retries spent: waits in the store");
        });
        assertThat(event[0].path("status").asText()).isEqualTo("retrying");
        assertThat(event[0].path("attempts").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(event[0].path("reason").asText()).startsWith("cannot connect to Dotdigital");
        assertThat(event[0].path("lastResponseCode").isNull()).isTrue();
    }
}
