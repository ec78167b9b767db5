package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** upsert_mode false: look the contact up, write only when it exists. */
class UpdateOnlyDeliveryTest extends ConnectorTestSupport {

    @Test
    void updatesAnExistingContactWithExactlyTheMappedFields() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);

        String id = accepted(consentEvent("evt-1", "jane@example.com", """
                [{"id": "newsletter", "enabled": false},
                 {"id": "marketing", "enabled": null, "values": {"topics": {"value": "sport,travel"}}}]"""));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("lastResponseCode").asInt()).isEqualTo(200);
        dotdigital.verify(1, getRequestedFor(urlEqualTo("/contacts/v3/email/jane@example.com"))
                .withHeader("Authorization", equalTo(basic("apiuser-test@apiconnector.com", DOTDIGITAL_PASSWORD))));
        dotdigital.verify(1, patchRequestedFor(urlEqualTo("/contacts/v3/email/jane@example.com?merge-option=overwrite"))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "jane@example.com"},
                         "dataFields": {"NEWSLETTER": false, "TOPICS": "sport,travel"}}""")));
    }

    @Test
    void skipsAMissingContactWithoutWriting() throws Exception {
        stubContactNotFound();
        stubPatchAnswers(200);

        String id = accepted(newsletterEvent("evt-2", "nobody@example.com", true));

        JsonNode event = awaitStatus(id, "skipped");
        assertThat(event.path("reason").asText()).isEqualTo("contact not found");
        dotdigital.verify(1, getRequestedFor(urlEqualTo("/contacts/v3/email/nobody@example.com")));
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void doesNotBringBackADeletedContact() throws Exception {
        stubContactFound("deleted");
        stubPatchAnswers(200);

        String id = accepted(newsletterEvent("evt-3", "gone@example.com", true));

        JsonNode event = awaitStatus(id, "skipped");
        assertThat(event.path("reason").asText()).contains("deleted").contains("upsert_mode is false");
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void encodesPlusAndApostropheInTheIdentifierAsAPathSegment() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);

        String id = accepted(newsletterEvent("evt-4", "o'brien+news@example.com", true));

        awaitStatus(id, "delivered");
        dotdigital.verify(1, getRequestedFor(urlEqualTo("/contacts/v3/email/o%27brien%2Bnews@example.com")));
        dotdigital.verify(1, patchRequestedFor(urlEqualTo("/contacts/v3/email/o%27brien%2Bnews@example.com?merge-option=overwrite"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "o'brien+news@example.com"}, "dataFields": {"NEWSLETTER": true}}""")));
    }

    @Test
    void anEventWithoutAnyMappedKeyIsSkippedWithoutCalls() throws Exception {
        String id = accepted(consentEvent("evt-5", "jane@example.com", "[{\"id\": \"other\", \"enabled\": true}]"));

        JsonNode event = awaitStatus(id, "skipped");
        assertThat(event.path("reason").asText()).contains("none of the mapped Didomi keys");
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }
}
