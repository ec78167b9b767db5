package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.DotdigitalContactsStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** properties.resubscribe with_challenge, in upsert mode: an opt-in still looks the contact up first. */
class ResubscribeWithChallengeTest extends ConnectorTestSupport {

    static final DotdigitalContactsStub ACCOUNT = DotdigitalContactsStub.INSTANCE;

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true").replace("\"properties\": {}", """
                "properties": {"channels": {"email": {"value": "consents_purposes_newsletter_enabled"}},
                               "resubscribe": "with_challenge"}""");
    }

    @BeforeEach
    void account() {
        ACCOUNT.reset();
        ChannelsAndListsTest.stubAccount();
    }

    @Test
    void sendsTheResubscribeOptionSoDotdigitalAsksTheContact() throws Exception {
        ACCOUNT.addContact("ask@example.com", "unsubscribed");

        String id = accepted(newsletterEvent("evt-ask", "ask@example.com", true));

        JsonNode event = awaitStatus(id, "delivered");
        dotdigital.verify(1, getRequestedFor(urlEqualTo("/contacts/v3/email/ask@example.com")));
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/ask@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "ask@example.com"}, "dataFields": {"NEWSLETTER": true},
                         "channelProperties": {"email": {"status": "subscribed", "optInType": "single",
                           "resubscribeOptions": {"resubscribeWithNoChallenge": false}}}}""")));
        assertThat(ACCOUNT.challengesSent()).isEqualTo(1);
        assertThat(ACCOUNT.emailStatus("ask@example.com")).as("unsubscribed until the contact confirms").isEqualTo("unsubscribed");
        assertThat(event.path("dataFieldsWritten").path("channel:email").asText()).isEqualTo("subscribed");
    }

    @Test
    void anOptInOfASubscribedContactNeedsNoOption() throws Exception {
        ACCOUNT.addContact("fine@example.com", "subscribed");
        ACCOUNT.contact("fine@example.com");

        String id = accepted(newsletterEvent("evt-fine", "fine@example.com", true));

        awaitStatus(id, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/fine@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "fine@example.com"}, "dataFields": {"NEWSLETTER": true},
                         "channelProperties": {"email": {"status": "subscribed", "optInType": "single"}}}""")));
        assertThat(ACCOUNT.challengesSent()).isZero();
    }
}
