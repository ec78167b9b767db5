package io.consentsync.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values the store could never keep are refused at intake with 400, never answered 503 (which Didomi retries for
 * ever): characters outside the basic plane count twice in H2's columns, and PostgreSQL refuses the NUL character.
 */
class StoreCharactersTest extends ConnectorTestSupport {

    private static final String EMOJI = "\uD83D\uDE00"; // one character, two UTF-16 units

    @Test
    void emojiCountAsTheStoreCountsThem() throws Exception {
        // 300 emoji: 300 characters, 600 UTF-16 units, over the 512 H2 keeps
        refused(consentEvent("evt-emoji", "jane.doe@example.com" + EMOJI.repeat(300), "[]"),
                "parameters.entity.user.organization_user_id", "longer than 512");
        refused(consentEvent("evt-emoji-reg", "emoji@example.com", "[]")
                .replace("\"regulation\": \"gdpr\"", "\"regulation\": \"" + EMOJI.repeat(20) + "\""), "regulation", "longer than 32");
        refused(consentEvent(EMOJI.repeat(301), "emoji@example.com", "[]"), "parameters.entity.id", "600 characters");
        assertThat(json(admin("GET", "/admin/events"))).as("nothing half-stored").isEmpty();
    }

    @Test
    void theNulCharacterIsRefusedWhereTheStoreKeepsIt() throws Exception {
        refused(consentEvent("evt-nul", "nul\\u0000@example.com", "[]"),
                "parameters.entity.user.organization_user_id", "must not contain the NUL character");
        refused(consentEvent("evt-\\u0000", "nul@example.com", "[]"), "parameters.entity.id", "NUL character");
        refused(consentEvent("evt-nul-reg", "nul@example.com", "[]")
                .replace("\"regulation\": \"gdpr\"", "\"regulation\": \"gd\\u0000pr\""), "regulation", "NUL character");
    }

    private void refused(String body, String field, String message) throws Exception {
        HttpResponse<String> r = postWebhook(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r);
        assertThat(error.path("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(error.path("message").asText()).contains(message);
    }
}
