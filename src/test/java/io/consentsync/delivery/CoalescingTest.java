package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** Fewer calls per event: waiting events of one contact become one write; values Dotdigital holds are not re-sent. */
class CoalescingTest extends ConnectorTestSupport {

    private static String at(String event, String time) {
        return event.replace("2024-05-02T09:15:00.000Z", time);
    }

    @Test
    void waitingEventsOfOneContactGoOutAsOneWriteWithTheNewestChoicePerField() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        context.getRouteController().stopRoute("dispatch-due-events"); // let the events wait together
        String first = accepted(at(consentEvent("evt-1", "many@example.com", """
                [{"id": "newsletter", "enabled": true},
                 {"id": "marketing", "values": {"topics": {"value": "sport"}}}]"""), "2024-05-02T09:00:00Z"));
        String withdrawal = accepted(at(newsletterEvent("evt-2", "many@example.com", false), "2024-05-02T10:00:00Z"));
        String lateOlder = accepted(at(newsletterEvent("evt-3", "many@example.com", true), "2024-05-02T08:00:00Z"));
        String other = accepted(newsletterEvent("evt-4", "other@example.com", true));

        context.getRouteController().startRoute("dispatch-due-events");

        JsonNode newest = awaitStatus(withdrawal, "delivered");
        assertThat(newest.path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":false}");
        assertThat(newest.path("reason").asText()).contains("coalesced 3 events of this contact into one write");
        JsonNode partly = awaitStatus(first, "delivered");
        assertThat(partly.path("dataFieldsWritten").toString()).isEqualTo("{\"TOPICS\":\"sport\"}");
        assertThat(partly.path("reason").asText()).contains("NEWSLETTER superseded by newer event " + withdrawal);
        assertThat(awaitStatus(lateOlder, "stale").path("reason").asText())
                .contains("NEWSLETTER superseded by newer event " + withdrawal);
        awaitStatus(other, "delivered");

        dotdigital.verify(1, patchRequestedFor(urlPathEqualTo("/contacts/v3/email/many@example.com")));
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/many@example.com")).withRequestBody(equalToJson(
                "{\"identifiers\": {\"email\": \"many@example.com\"}, \"dataFields\": {\"NEWSLETTER\": false, \"TOPICS\": \"sport\"}}")));
        dotdigital.verify(2, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void noWriteIsSentWhenTheContactAlreadyHoldsEveryValue() throws Exception {
        dotdigital.stubFor(contactLookup().willReturn(okJson("""
                {"contactId": 42, "status": "subscribed", "identifiers": {"email": "same@example.com"},
                 "dataFields": {"newsletter": false, "TOPICS": "sport", "OTHER": "x"}}""")));
        stubPatchAnswers(200);

        String event = accepted(consentEvent("evt-same", "same@example.com", """
                [{"id": "newsletter", "enabled": false},
                 {"id": "marketing", "values": {"topics": {"value": "sport"}}}]"""));

        JsonNode held = awaitStatus(event, "delivered");
        assertThat(held.path("reason").asText()).isEqualTo("Dotdigital already held these values: no write sent");
        assertThat(held.path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":false,\"TOPICS\":\"sport\"}");
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));

        // a value that differs is written
        String changed = accepted(newsletterEvent("evt-changed", "same@example.com", true));
        awaitStatus(changed, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }
}
