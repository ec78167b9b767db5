package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.DotdigitalContactsStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst in upsert mode with properties.channels and properties.lists: opt-outs go in the import with their channel
 * status, and leave the list by the contact id the import reports; an opt-in takes the single path (looked up first).
 */
class ChannelsInBulkImportTest extends ConnectorTestSupport {

    private static final String IMPORT = "/contacts/v3/import";
    static final DotdigitalContactsStub ACCOUNT = DotdigitalContactsStub.INSTANCE;

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true").replace("\"properties\": {}", """
                "properties": {"channels": {"email": {"value": "consents_purposes_newsletter_enabled"}},
                               "lists": [{"id": 7, "value": "consents_purposes_newsletter_enabled"}]}""");
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.import.min-waiting-events", "5", "sync.import.poll-interval-ms", "100",
                "sync.import.status-poll-ms", "100");
    }

    @BeforeEach
    void account() {
        ACCOUNT.reset();
        ChannelsAndListsTest.stubAccount();
    }

    @Test
    void optOutsGoInTheImportAndLeaveTheListByTheReportedContactId() throws Exception {
        dotdigital.stubFor(put(urlPathEqualTo(IMPORT)).willReturn(okJson("{\"importId\": \"imp-c\"}").withStatus(202)));
        dotdigital.stubFor(get(urlPathEqualTo(IMPORT + "/imp-c")).willReturn(okJson("""
                {"importId": "imp-c", "status": "Finished",
                 "summary": {"newContacts": 0, "updatedContacts": 6, "globallySuppressed": 0, "invalidEntries": 0, "duplicateIdentifiers": 0},
                 "updated": [%s], "failures": []}""".formatted(IntStream.range(0, 6)
                .mapToObj(c -> "{\"contactId\": " + (500 + c) + ", \"identifiers\": {\"email\": \"out" + c + "@example.com\"}}")
                .collect(Collectors.joining(","))))));
        ACCOUNT.addContact("in@example.com", "unsubscribed");
        context.getRouteController().stopRoute("dispatch-due-events");
        context.getRouteController().stopRoute("import-waiting-contacts");
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            ids.add(accepted(newsletterEvent("evt-out-" + c, "out" + c + "@example.com", false)));
        }
        String optIn = accepted(newsletterEvent("evt-in", "in@example.com", true));
        context.getRouteController().startRoute("import-waiting-contacts");
        context.getRouteController().startRoute("dispatch-due-events");

        for (String id : ids) {
            JsonNode event = awaitStatus(id, "delivered");
            assertThat(event.path("reason").asText()).contains("bulk import imp-c");
            assertThat(event.path("dataFieldsWritten").path("channel:email").asText()).isEqualTo("unsubscribed");
        }
        dotdigital.verify(1, putRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(equalToJson("""
                {"mergeOption": "overwrite", "contacts": [{"matchIdentifier": "email", "identifiers": {"email": "out0@example.com"},
                  "dataFields": {"NEWSLETTER": false}, "channelProperties": {"email": {"status": "unsubscribed"}}}]}""",
                true, true)));
        for (int c = 0; c < 6; c++) {
            dotdigital.verify(1, deleteRequestedFor(urlEqualTo("/v2/address-books/7/contacts/" + (500 + c))));
        }
        // the opt-in was looked up (unsubscribed in Dotdigital, resubscribe never): not resubscribed, never imported
        JsonNode in = awaitStatus(optIn, "delivered");
        assertThat(in.path("reason").asText()).contains("not resubscribed");
        dotdigital.verify(1, getRequestedFor(urlEqualTo("/contacts/v3/email/in@example.com")));
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/in@example.com")));
        assertThat(ACCOUNT.emailStatus("in@example.com")).isEqualTo("unsubscribed");
    }

    /** A report that names a contact without its id: the contact is written but cannot leave its list, so it is dead, never silently left on it. */
    @Test
    void aContactTheReportGivesNoIdForIsDeadInsteadOfStayingOnItsList() throws Exception {
        dotdigital.stubFor(put(urlPathEqualTo(IMPORT)).willReturn(okJson("{\"importId\": \"imp-n\"}").withStatus(202)));
        dotdigital.stubFor(get(urlPathEqualTo(IMPORT + "/imp-n")).willReturn(okJson("""
                {"importId": "imp-n", "status": "Finished",
                 "summary": {"newContacts": 0, "updatedContacts": 5, "globallySuppressed": 0, "invalidEntries": 0, "duplicateIdentifiers": 0},
                 "updated": [%s, {"identifiers": {"email": "out4@example.com"}}], "failures": []}""".formatted(IntStream.range(0, 4)
                .mapToObj(c -> "{\"contactId\": " + (600 + c) + ", \"identifiers\": {\"email\": \"out" + c + "@example.com\"}}")
                .collect(Collectors.joining(","))))));
        context.getRouteController().stopRoute("dispatch-due-events");
        context.getRouteController().stopRoute("import-waiting-contacts");
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            ids.add(accepted(newsletterEvent("evt-noid-" + c, "out" + c + "@example.com", false)));
        }
        context.getRouteController().startRoute("import-waiting-contacts");
        context.getRouteController().startRoute("dispatch-due-events");

        for (int c = 0; c < 4; c++) {
            assertThat(awaitStatus(ids.get(c), "delivered").path("reason").asText()).contains("bulk import imp-n");
            dotdigital.verify(1, deleteRequestedFor(urlEqualTo("/v2/address-books/7/contacts/" + (600 + c))));
        }
        JsonNode dead = awaitStatus(ids.get(4), "dead");
        assertThat(dead.path("reasonCode").asText()).isEqualTo("no_contact_id");
        assertThat(dead.path("reason").asText()).contains("bulk import imp-n").contains("not removed from list(s) [7]");
        dotdigital.verify(1, putRequestedFor(urlPathEqualTo(IMPORT)));
        dotdigital.verify(4, deleteRequestedFor(urlPathMatching("/v2/address-books/7/contacts/.*")));
    }
}
