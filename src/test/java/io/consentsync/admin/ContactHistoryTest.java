package io.consentsync.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/** The per-contact audit trail and bulk replay. */
class ContactHistoryTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void listsEveryEventOfAContactWithWhatWasWrittenAndDotdigitalsAnswer() throws Exception {
        stubPatchAnswers(201);
        String first = accepted(newsletterEvent("evt-h1", "a+history@example.com", true)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-01T08:00:00Z"));
        awaitStatus(first, "delivered");
        String second = accepted(newsletterEvent("evt-h2", "A+History@example.com", false));
        awaitStatus(second, "delivered");
        String other = accepted(newsletterEvent("evt-h3", "someone-else@example.com", false));
        awaitStatus(other, "delivered");

        HttpResponse<String> r = admin("GET", "/admin/contacts/a%2Bhistory%40example.com/events");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode events = json(r).path("events");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).path("id").asText()).isEqualTo(first);
        assertThat(events.get(0).path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":true}");
        assertThat(events.get(0).path("lastResponseCode").asInt()).isEqualTo(201);
        assertThat(events.get(0).path("consentTime").asText()).isEqualTo("2024-05-01T08:00:00Z");
        assertThat(events.get(1).path("id").asText()).isEqualTo(second);
        assertThat(events.get(1).path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":false}");
        assertThat(events.get(1).path("status").asText()).isEqualTo("delivered");
        assertThat(r.body()).doesNotContain(DOTDIGITAL_PASSWORD);
    }

    @Test
    void bulkReplayKeepsAReasonAlreadyAtItsFullLength() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withBody("{\"errorCode\":\"contacts:badRequest\",\"description\":\"" + "x".repeat(2100) + "\"}")));
        String id = accepted(newsletterEvent("evt-long", "long@example.com", true));
        awaitStatus(id, "dead");
        stubPatchAnswers(200);

        HttpResponse<String> r = admin("POST", "/admin/events/replay?status=dead");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("replayed").asInt()).isEqualTo(1);
        awaitStatus(id, "delivered");
    }

    @Test
    void replaysEveryDeadEventSinceAGivenTime() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400).withBody("{\"errorCode\":\"contacts:badRequest\"}")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(accepted(newsletterEvent("evt-bulk-" + i, "bulk" + i + "@example.com", true)));
        }
        for (String id : ids) {
            awaitStatus(id, "dead");
        }
        stubPatchAnswers(200);

        HttpResponse<String> future = admin("POST", "/admin/events/replay?status=dead&since=2999-01-01T00:00:00Z");
        assertThat(json(future).path("replayed").asInt()).isZero();
        HttpResponse<String> r = admin("POST", "/admin/events/replay?status=dead&since=2020-01-01T00:00:00Z");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("replayed").asInt()).isEqualTo(3);
        for (String id : ids) {
            awaitStatus(id, "delivered");
        }
        assertThat(admin("POST", "/admin/events/replay?status=delivered").statusCode()).isEqualTo(400);
        HttpResponse<String> badSince = admin("POST", "/admin/events/replay?status=dead&since=yesterday");
        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(json(badSince).path("field").asText()).isEqualTo("since");
    }
}
