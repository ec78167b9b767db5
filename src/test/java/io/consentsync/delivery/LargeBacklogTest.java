package io.consentsync.delivery;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One person's backlog is taken newest first, a bounded number of events per write (sync.delivery.max-events-per-contact):
 * the heap never holds the whole backlog, the newest choice is the first write, and the older events cannot undo it.
 */
class LargeBacklogTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.delivery.max-events-per-contact", "5", "sync.import.min-waiting-events", "0");
    }

    @Test
    void aBacklogIsTakenNewestFirstInBoundedBatches() throws Exception {
        stubPatchAnswers(200);
        context.getRouteController().stopRoute("dispatch-due-events");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // alternating choices; the newest (i = 11) withdraws
            ids.add(accepted(newsletterEvent("evt-backlog-" + i, "backlog@example.com", i % 2 == 0)
                    .replace("2024-05-02T09:15:00.000Z", "2024-05-02T09:%02d:00Z".formatted(i))));
        }
        context.getRouteController().startRoute("dispatch-due-events");

        awaitStatus(ids.get(11), "delivered");
        for (int i = 0; i < 11; i++) {
            awaitStatus(ids.get(i), "stale");
        }
        // one write, the newest choice: the 7 older events came in later batches and changed nothing
        dotdigital.verify(1, patchRequestedFor(urlPathEqualTo("/contacts/v3/email/backlog@example.com")));
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/backlog@example.com")).withRequestBody(
                equalToJson("{\"identifiers\": {\"email\": \"backlog@example.com\"}, \"dataFields\": {\"NEWSLETTER\": false}}")));
        assertThat(json(admin("GET", "/admin/events/" + ids.get(11))).path("reason").asText())
                .contains("coalesced 5 events of this contact into one write");
    }
}
