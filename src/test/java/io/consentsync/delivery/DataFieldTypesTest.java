package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each value is written in the type of its Dotdigital data field, or the event fails with the reason. */
class DataFieldTypesTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return """
                {"type_id": "dotdigital",
                 "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "properties": {},
                 "mappings": [
                   {"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "NEWS_TEXT", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "NEWS_NUM", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "CONSENT_AT", "value": "created_at"},
                   {"id": "TOPICS", "value": "consents_purposes_marketing_values_topics_value"},
                   {"id": "SMS", "value": "consents_purposes_marketing_values_topics_sport_enabled"},
                   {"id": "MISSING_FIELD", "value": "metadata_unknown"},
                   {"id": "LI_DATE", "value": "consents_purposes_marketing_enabled_li"}
                 ],
                 "upsert_mode": true}
                """.formatted(dotdigital.baseUrl());
    }

    @Test
    void convertsEachValueToItsFieldType() throws Exception {
        stubPatchAnswers(200);

        String id = accepted(consentEvent("evt-types", "types@example.com", """
                [{"id": "newsletter", "enabled": false},
                 {"id": "marketing", "enabled": null, "values": {"topics": {"value": "sport,travel"}}}]"""));

        awaitStatus(id, "delivered");
        dotdigital.verify(1, getRequestedFor(urlEqualTo("/v2/data-fields")));
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/types@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "types@example.com"},
                         "dataFields": {"NEWSLETTER": false, "NEWS_TEXT": "false", "NEWS_NUM": 0,
                                        "CONSENT_AT": "2024-05-02T09:15:00Z", "TOPICS": "sport,travel", "SMS": true}}""")));
    }

    @Test
    void aFieldMissingInDotdigitalBeforeTheMappingCheckRanPausesInsteadOfKilling() throws Exception {
        stubPatchAnswers(200);

        String id = accepted(consentEvent("evt-missing", "missing@example.com", "[]")
                .replace("\"metadata\": {\"source\": \"pc\"}", "\"metadata\": {\"unknown\": \"x\"}"));

        // delivery met the missing field first: the batch goes back, the pause starts, the event waits
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(management("/observe/health").body()).contains("\"name\":\"dotdigital-mapping\",\"status\":\"DOWN\"")
                        .contains("data field MISSING_FIELD (mapped from metadata_unknown) does not exist in Dotdigital"));
        JsonNode event = json(admin("GET", "/admin/events/" + id));
        assertThat(event.path("status").asText()).as(event.toString()).isEqualTo("pending");
        assertThat(event.path("reason").asText()).contains("MISSING_FIELD");
        assertThat(event.path("attempts").asInt()).isZero();
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void aValueTheFieldTypeCannotHoldKillsTheEventWithoutWriting() throws Exception {
        stubPatchAnswers(200);

        String id = accepted(consentEvent("evt-mismatch", "mismatch@example.com", """
                [{"id": "marketing", "enabled_li": true}]"""));

        JsonNode event = awaitStatus(id, "dead");
        assertThat(event.path("reason").asText())
                .contains("data field LI_DATE has type Date and cannot hold true (a boolean) from consents_purposes_marketing_enabled_li");
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void anUnconvertibleValueKillsOnlyItsOwnEventAndTheCoalescedWithdrawalIsWritten() throws Exception {
        stubPatchAnswers(200);
        context.getRouteController().stopRoute("dispatch-due-events"); // both wait, then go out as one batch
        String bad = accepted(consentEvent("evt-bad", "coalesced-bad@example.com", """
                [{"id": "marketing", "enabled_li": true}]""").replace("2024-05-02T09:15:00.000Z", "2024-05-02T10:00:00Z"));
        String withdrawal = accepted(newsletterEvent("evt-withdraw", "coalesced-bad@example.com", false)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T09:00:00Z"));
        context.getRouteController().startRoute("dispatch-due-events");

        assertThat(awaitStatus(bad, "dead").path("reason").asText())
                .startsWith("mapping: ").contains("LI_DATE has type Date and cannot hold true");
        JsonNode written = awaitStatus(withdrawal, "delivered");
        assertThat(written.path("dataFieldsWritten").path("NEWSLETTER").asBoolean(true)).isFalse();
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/coalesced-bad@example.com"))
                .withRequestBody(matchingJsonPath("$.dataFields.NEWSLETTER", equalTo("false")))
                .withRequestBody(notContaining("LI_DATE")));

        // a bulk replay brings the bad event back alone: it is dead again, the withdrawal stays delivered
        assertThat(admin("POST", "/admin/events/replay?status=dead").statusCode()).isEqualTo(200);
        awaitStatus(bad, "dead");
        assertThat(awaitStatus(withdrawal, "delivered").path("status").asText()).isEqualTo("delivered");
    }

    @Test
    void aNewerChoiceThatCannotBeWrittenIsNotReplacedByAnOlderOne() throws Exception {
        stubPatchAnswers(200);
        context.getRouteController().stopRoute("dispatch-due-events");
        String optIn = accepted(newsletterEvent("evt-old-optin", "no-fallback@example.com", true)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T09:00:00Z"));
        // the withdrawal also carries a value its field cannot hold, so it cannot be written
        String withdrawal = accepted(consentEvent("evt-bad-withdrawal", "no-fallback@example.com", """
                [{"id": "newsletter", "enabled": false}, {"id": "marketing", "enabled_li": true}]""")
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T10:00:00Z"));
        context.getRouteController().startRoute("dispatch-due-events");

        assertThat(awaitStatus(withdrawal, "dead").path("reason").asText()).contains("LI_DATE");
        assertThat(awaitStatus(optIn, "stale").path("reason").asText()).contains("superseded by newer event " + withdrawal);
        assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching("/contacts/v3/email/no-fallback@example.com"))))
                .as("the older opt-in never stands in for the newer withdrawal").isEmpty();
    }
}
