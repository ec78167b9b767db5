package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.DotdigitalContactsStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * properties.channels and properties.lists with properties.resubscribe at its default (never), upsert_mode false,
 * against a Dotdigital account that behaves as its contract says ({@link DotdigitalContactsStub}): the newsletter
 * purpose drives the email channel (double opt-in) and list 123.
 */
class ChannelsAndListsTest extends ConnectorTestSupport {

    static final DotdigitalContactsStub ACCOUNT = DotdigitalContactsStub.INSTANCE;

    @Override
    protected String integration() {
        return super.integration().replace("\"properties\": {}", """
                "properties": {"channels": {"email": {"value": "consents_purposes_newsletter_enabled", "opt_in_type": "double"}},
                               "lists": [{"id": 123, "value": "consents_purposes_newsletter_enabled"}]}""");
    }

    @BeforeEach
    void account() {
        ACCOUNT.reset();
        ACCOUNT.addList(123, "Newsletter");
        stubAccount();
    }

    static void stubAccount() {
        dotdigital.stubFor(any(urlPathMatching("/contacts/v3/email/.*"))
                .willReturn(aResponse().withTransformers(DotdigitalContactsStub.NAME)));
        dotdigital.stubFor(any(urlPathMatching("/v2/address-books/.*"))
                .willReturn(aResponse().withTransformers(DotdigitalContactsStub.NAME)));
    }

    /** A newsletter choice at a given consent time. */
    static String newsletterAt(String eventId, String email, boolean enabled, String createdAt) {
        return newsletterEvent(eventId, email, enabled).replace("2024-05-02T09:15:00.000Z", createdAt);
    }

    /** The lookup answer says the email status only at its top (no channelProperties): still no resubscribe. */
    @Test
    void anAnswerWithTheStatusOnlyAtTheTopResubscribesNobody() throws Exception {
        dotdigital.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/contacts/v3/email/top@example.com"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "{\"contactId\": 77, \"status\": \"unsubscribed\", \"identifiers\": {\"email\": \"top@example.com\"}}")));
        dotdigital.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathMatching("/contacts/v3/email/top@example.com"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"contactId\": 77}")));

        String id = accepted(newsletterEvent("evt-top", "top@example.com", true));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("reason").asText()).contains("not resubscribed");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/top@example.com"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("channelProperties")));
    }

    @Test
    void optOutUnsubscribesAndLeavesTheList() throws Exception {
        long contactId = ACCOUNT.addContact("out@example.com", "subscribed", 123);

        String id = accepted(newsletterEvent("evt-out", "out@example.com", false));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(ACCOUNT.emailStatus("out@example.com")).isEqualTo("unsubscribed");
        assertThat(ACCOUNT.listsOf("out@example.com")).isEmpty();
        dotdigital.verify(1, patchRequestedFor(urlEqualTo("/contacts/v3/email/out@example.com?merge-option=overwrite"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "out@example.com"}, "dataFields": {"NEWSLETTER": false},
                         "channelProperties": {"email": {"status": "unsubscribed"}}}""")));
        dotdigital.verify(1, deleteRequestedFor(urlEqualTo("/v2/address-books/123/contacts/" + contactId)));
        // the audit trail names the status and list changes written
        assertThat(event.path("dataFieldsWritten").toString())
                .isEqualTo("{\"NEWSLETTER\":false,\"channel:email\":\"unsubscribed\",\"list:123\":\"removed\"}");
        HttpResponse<String> history = admin("GET", "/admin/contacts/out%40example.com/events");
        assertThat(json(history).path("events").get(0).path("dataFieldsWritten").path("channel:email").asText())
                .isEqualTo("unsubscribed");
    }

    @Test
    void optInJoinsTheListAndSetsTheOptInType() throws Exception {
        ACCOUNT.addContact("in@example.com", "noSubscription");

        String id = accepted(newsletterEvent("evt-in", "in@example.com", true));

        awaitStatus(id, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlEqualTo("/contacts/v3/email/in@example.com?merge-option=overwrite"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "in@example.com"}, "dataFields": {"NEWSLETTER": true},
                         "channelProperties": {"email": {"status": "subscribed", "optInType": "double"}},
                         "lists": [123]}""")));
        assertThat(ACCOUNT.emailStatus("in@example.com")).isEqualTo("subscribed");
        assertThat(ACCOUNT.contact("in@example.com").path("channelProperties").path("email").path("optInType").asText())
                .isEqualTo("Double");
        assertThat(ACCOUNT.listsOf("in@example.com")).containsExactly(123);
        dotdigital.verify(0, deleteRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void noChoiceTouchesNeitherChannelNorList() throws Exception {
        ACCOUNT.addContact("quiet@example.com", "unsubscribed", 123);

        String id = accepted(consentEvent("evt-quiet", "quiet@example.com", """
                [{"id": "marketing", "enabled": true, "values": {"topics": {"value": "cycling"}}},
                 {"id": "newsletter", "enabled": null}]"""));

        awaitStatus(id, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/quiet@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "quiet@example.com"}, "dataFields": {"TOPICS": "cycling"}}""")));
        assertThat(ACCOUNT.emailStatus("quiet@example.com")).isEqualTo("unsubscribed");
        assertThat(ACCOUNT.listsOf("quiet@example.com")).containsExactly(123);
        dotdigital.verify(0, deleteRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void underNeverAnUnsubscribedContactStaysUnsubscribed() throws Exception {
        ACCOUNT.addContact("gone@example.com", "unsubscribed");

        String id = accepted(newsletterEvent("evt-back", "gone@example.com", true));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(ACCOUNT.emailStatus("gone@example.com")).isEqualTo("unsubscribed");
        assertThat(event.path("reason").asText()).contains("not resubscribed").contains("properties.resubscribe is never");
        // the data field is still written; no channel status goes out
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/gone@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "gone@example.com"}, "dataFields": {"NEWSLETTER": true}, "lists": [123]}""")));
        assertThat(ACCOUNT.challengesSent()).isZero();
    }

    @Test
    void anOlderOptInAfterANewerOptOutChangesNothing() throws Exception {
        ACCOUNT.addContact("late@example.com", "subscribed", 123);
        awaitStatus(accepted(newsletterAt("evt-newer-out", "late@example.com", false, "2024-05-03T10:00:00.000Z")), "delivered");
        assertThat(ACCOUNT.emailStatus("late@example.com")).isEqualTo("unsubscribed");

        String older = accepted(newsletterAt("evt-older-in", "late@example.com", true, "2024-05-01T10:00:00.000Z"));

        JsonNode event = awaitStatus(older, "stale");
        assertThat(event.path("reason").asText()).contains("channel:email").contains("list:123");
        assertThat(ACCOUNT.emailStatus("late@example.com")).isEqualTo("unsubscribed");
        assertThat(ACCOUNT.listsOf("late@example.com")).isEmpty();
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void coalescesAnOptInAndANewerOptOutIntoTheOptOut() throws Exception {
        ACCOUNT.addContact("both@example.com", "subscribed", 123);
        // held back until both wait: the contact is claimed with both events once delivery runs
        String[] ids = new String[2];
        context.getRouteController().stopRoute("dispatch-due-events");
        ids[0] = accepted(newsletterAt("evt-c-in", "both@example.com", true, "2024-05-01T10:00:00.000Z"));
        ids[1] = accepted(newsletterAt("evt-c-out", "both@example.com", false, "2024-05-02T10:00:00.000Z"));
        context.getRouteController().startRoute("dispatch-due-events");

        awaitStatus(ids[1], "delivered");
        awaitStatus(ids[0], "stale");
        assertThat(ACCOUNT.emailStatus("both@example.com")).isEqualTo("unsubscribed");
        assertThat(ACCOUNT.listsOf("both@example.com")).isEmpty();
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void aReplayedOptOutUnsubscribesAndLeavesTheList() throws Exception {
        long contactId = ACCOUNT.addContact("again@example.com", "subscribed", 123);
        var refusal = dotdigital.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(urlPathMatching("/contacts/v3/email/again.*"))
                .atPriority(1).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"errorCode\": \"contacts:badRequest\", \"description\": \"Bad request\"}")));
        String id = accepted(newsletterEvent("evt-again", "again@example.com", false));
        awaitStatus(id, "dead");
        assertThat(ACCOUNT.emailStatus("again@example.com")).isEqualTo("subscribed");
        dotdigital.removeStub(refusal);

        assertThat(admin("POST", "/admin/events/replay?status=dead").statusCode()).isEqualTo(200);

        awaitStatus(id, "delivered");
        assertThat(ACCOUNT.emailStatus("again@example.com")).isEqualTo("unsubscribed");
        assertThat(ACCOUNT.listsOf("again@example.com")).isEmpty();
        dotdigital.verify(1, deleteRequestedFor(urlEqualTo("/v2/address-books/123/contacts/" + contactId)));
    }

    /**
     * A list to leave, but Dotdigital's answers (lookup and PATCH) carry no usable contactId: the events are dead at
     * once with reason code no_contact_id, never redelivered, and no DELETE is built from the bad id (12.5 would
     * otherwise leave contact 12's list).
     */
    @Test
    void aListToLeaveWithoutAUsableContactIdIsDeadAtOnceWithoutADelete() throws Exception {
        java.util.Map<String, String> badIds = new java.util.LinkedHashMap<>();
        badIds.put("noid-text@example.com", "\"contactId\": \"abc\", ");
        badIds.put("noid-missing@example.com", "");
        badIds.put("noid-fraction@example.com", "\"contactId\": 12.5, ");
        java.util.Map<String, String> events = new java.util.LinkedHashMap<>();
        for (var bad : badIds.entrySet()) {
            String contact = "{" + bad.getValue() + "\"status\": \"subscribed\", \"identifiers\": {\"email\": \""
                    + bad.getKey() + "\"}, \"channelProperties\": {\"email\": {\"status\": \"subscribed\"}}, "
                    + "\"lists\": [{\"id\": 123}], \"dataFields\": {}}";
            dotdigital.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathMatching("/contacts/v3/email/" + bad.getKey()))
                    .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(contact)));
            events.put(bad.getKey(), accepted(newsletterEvent("evt-" + bad.getKey().split("@")[0], bad.getKey(), false)));
        }

        for (var e : events.entrySet()) {
            JsonNode event = awaitStatus(e.getValue(), "dead");
            assertThat(event.path("reasonCode").asText()).as(e.getKey()).isEqualTo("no_contact_id");
            assertThat(event.path("reason").asText()).as(e.getKey()).contains("contactId");
            assertThat(event.path("attempts").asInt()).as(e.getKey() + ": not redelivered").isEqualTo(1);
            dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/" + e.getKey())));
        }
        dotdigital.verify(0, deleteRequestedFor(urlPathMatching(".*")));
    }

    /**
     * The withdrawal was PATCHed before its list removal failed for good (no usable contactId): the values Dotdigital
     * then holds are remembered, so an older opt-in arriving later never overwrites them (found outside).
     */
    @Test
    void valuesPatchedBeforeAListRemovalFailedAreNeverOverwrittenByAnOlderChoice() throws Exception {
        String email = "patched-then-dead@example.com";
        var noId = dotdigital.stubFor(any(urlPathMatching("/contacts/v3/email/" + email)).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"status\": \"subscribed\", "
                        + "\"identifiers\": {\"email\": \"" + email + "\"}, \"channelProperties\": {\"email\": "
                        + "{\"status\": \"subscribed\"}}, \"lists\": [{\"id\": 123}], \"dataFields\": {}}")));
        JsonNode dead = awaitStatus(accepted(newsletterEvent("evt-withdrawn", email, false)), "dead");
        assertThat(dead.path("reasonCode").asText()).isEqualTo("no_contact_id");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/" + email))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.dataFields.NEWSLETTER",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("false"))));

        dotdigital.removeStub(noId); // Dotdigital answers with a contact id again
        DotdigitalContactsStub.INSTANCE.addContact(email, "unsubscribed");
        String older = accepted(newsletterEvent("evt-older-opt-in", email, true)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T08:00:00.000Z"));
        // the data field and the channel hold the withdrawal; the list was never left (its removal is what failed), so
        // the older choice's list:123 added is all it writes
        JsonNode event = awaitStatus(older, "delivered");
        assertThat(event.path("reasonCode").asText()).isEqualTo("partly_stale");
        assertThat(event.path("reason").asText()).contains("NEWSLETTER holds a newer choice")
                .contains("channel:email holds a newer choice");
        assertThat(event.path("dataFieldsWritten").toString()).isEqualTo("{\"list:123\":\"added\"}");
        dotdigital.verify(0, patchRequestedFor(urlPathMatching("/contacts/v3/email/" + email))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.dataFields.NEWSLETTER",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("true"))));
    }
}
