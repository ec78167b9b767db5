package io.consentsync.delivery;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/** A write slower than the claim's lease keeps its contact: the heartbeat renews the claim, nobody claims it twice. */
class ClaimHeartbeatTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.delivery.lease-ms", "3000");
    }

    @Test
    void aWriteOutlastingTheLeaseIsSentOnce() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(okJson("{\"contactId\": 1}").withFixedDelay(7000)));

        String id = accepted(newsletterEvent("evt-slow", "slow@example.com", false));

        awaitStatus(id, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }
}
