package io.consentsync.delivery;

import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.DotdigitalContactsStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upsert mode with an email channel and a list: a refusal from a contact Dotdigital did not know is created
 * unsubscribed (Dotdigital's default would be subscribed); on_user_deleted unsubscribe.
 */
class ChannelsInUpsertModeTest extends ConnectorTestSupport {

    static final DotdigitalContactsStub ACCOUNT = DotdigitalContactsStub.INSTANCE;

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true").replace("\"properties\": {}", """
                "properties": {"channels": {"email": {"value": "consents_purposes_newsletter_enabled"},
                                            "sms": {"value": "consents_channels_sms_enabled"}},
                               "lists": [{"id": 7, "value": "consents_purposes_newsletter_enabled"}],
                               "on_user_deleted": "unsubscribe"}""");
    }

    @BeforeEach
    void account() {
        ACCOUNT.reset();
        ACCOUNT.addList(7, "Newsletter");
        ChannelsAndListsTest.stubAccount();
    }

    @Test
    void aRefusalFromAnUnknownContactCreatesItUnsubscribed() throws Exception {
        String id = accepted(newsletterEvent("evt-no", "stranger@example.com", false));

        awaitStatus(id, "delivered");
        assertThat(ACCOUNT.emailStatus("stranger@example.com")).isEqualTo("unsubscribed");
        assertThat(ACCOUNT.listsOf("stranger@example.com")).isEmpty();
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/stranger@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "stranger@example.com"}, "dataFields": {"NEWSLETTER": false},
                         "channelProperties": {"email": {"status": "unsubscribed"}}}""")));
        // the list removal used the created contact's id; 404: it was on no list
        long contactId = ACCOUNT.contact("stranger@example.com").path("contactId").asLong();
        dotdigital.verify(1, deleteRequestedFor(urlEqualTo("/v2/address-books/7/contacts/" + contactId)));
    }

    @Test
    void aDeletedDidomiUserIsUnsubscribedFromEveryChannelAndLeavesEveryList() throws Exception {
        long contactId = ACCOUNT.addContact("bye@example.com", "subscribed", 7);

        String id = accepted("""
                {"type": "user.deleted", "parameters": {"entity": {"id": "u-bye", "organization_user_id": "bye@example.com",
                  "updated_at": "2024-06-01T00:00:00Z", "version": 9}}}""");

        awaitStatus(id, "delivered");
        assertThat(ACCOUNT.emailStatus("bye@example.com")).isEqualTo("unsubscribed");
        assertThat(ACCOUNT.contact("bye@example.com").path("channelProperties").path("sms").path("status").asText())
                .isEqualTo("unsubscribed");
        assertThat(ACCOUNT.listsOf("bye@example.com")).isEmpty();
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/bye@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "bye@example.com"},
                         "channelProperties": {"email": {"status": "unsubscribed"}, "sms": {"status": "unsubscribed"}}}""")));
        dotdigital.verify(1, deleteRequestedFor(urlEqualTo("/v2/address-books/7/contacts/" + contactId)));
    }

    @Test
    void aDeletedDidomiUserUnknownToDotdigitalIsNotCreated() throws Exception {
        String id = accepted("""
                {"type": "user.deleted", "parameters": {"entity": {"id": "u-never", "organization_user_id": "never@example.com",
                  "updated_at": "2024-06-01T00:00:00Z", "version": 9}}}""");

        assertThat(awaitStatus(id, "skipped").path("reason").asText()).isEqualTo("contact not found");
        assertThat(ACCOUNT.contact("never@example.com")).isNull();
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }
}
