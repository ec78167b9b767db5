package io.consentsync.ordering;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** properties.on_user_deleted = clear: a deleted Didomi user's mapped fields are cleared, never a contact created. */
class DeletionPolicyTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true")
                .replace("\"properties\": {}", "\"properties\": {\"on_user_deleted\": \"clear\"}");
    }

    /**
     * The store's erasure after a deletion (sync.erasure.on-user-deleted) makes a later event of the same address a new
     * person (ErasureAfterClearTest): off here, where what on_user_deleted does to Dotdigital on its own is tested.
     */
    @Override
    protected java.util.Map<String, String> extraProperties() {
        return java.util.Map.of("sync.erasure.on-user-deleted", "false");
    }

    private static String userDeleted(String email) {
        return """
                {"type": "user.deleted", "parameters": {"entity": {"id": "u-%s", "organization_user_id": "%s",
                  "updated_at": "2024-06-01T00:00:00Z", "version": 9}}}""".formatted(email.hashCode(), email);
    }

    @Test
    void clearsEveryMappedFieldOfAnExistingContact() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);

        String id = accepted(userDeleted("deleted@example.com"));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":null,\"TOPICS\":null}");
        dotdigital.verify(1, getRequestedFor(urlEqualTo("/contacts/v3/email/deleted@example.com")));
        dotdigital.verify(1, patchRequestedFor(urlEqualTo("/contacts/v3/email/deleted@example.com?merge-option=overwrite"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "deleted@example.com"}, "dataFields": {"NEWSLETTER": null, "TOPICS": null}}""")));
    }

    @Test
    void doesNotCreateAContactJustToClearIt() throws Exception {
        stubContactNotFound();
        stubPatchAnswers(201);

        String id = accepted(userDeleted("never@example.com"));

        assertThat(awaitStatus(id, "skipped").path("reason").asText()).isEqualTo("contact not found");
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void anOlderConsentEventArrivingAfterTheDeletionDoesNotRefillTheFields() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        awaitStatus(accepted(userDeleted("late@example.com")), "delivered");

        String late = accepted(newsletterEvent("evt-late", "late@example.com", true)); // created 2024-05-02

        awaitStatus(late, "stale");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void recordsEventDeletionsWithoutActing() throws Exception {
        String id = accepted("{\"type\": \"event.deleted\", \"parameters\": {\"entity\": {\"id\": \"e-gone\"}}}");
        assertThat(awaitStatus(id, "ignored").path("reason").asText()).contains("event.deleted is recorded only");
    }
}
