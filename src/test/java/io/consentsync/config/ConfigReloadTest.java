package io.consentsync.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /admin/config/reload: a valid configuration applies to the next write; a broken one is refused and the old one keeps working. */
class ConfigReloadTest extends ConnectorTestSupport {

    private static final String BOTH_MAPPED = """
            [{"id": "newsletter", "enabled": false}, {"id": "marketing", "values": {"topics": {"value": "sport"}}}]""";

    private Path integrationFile() {
        return Path.of(context.getPropertiesComponent().resolveProperty("sync.integration-file").orElseThrow());
    }

    private void rewrite(String from, String to) throws Exception {
        Path file = integrationFile();
        String json = Files.readString(file);
        assertThat(json).contains(from);
        Files.writeString(file, json.replace(from, to));
    }

    @Test
    void aValidConfigurationAppliesToTheNextWrite() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        awaitStatus(accepted(consentEvent("evt-before", "before@example.com", BOTH_MAPPED)), "delivered");
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/before@example.com")).withRequestBody(equalToJson(
                "{\"identifiers\": {\"email\": \"before@example.com\"}, \"dataFields\": {\"NEWSLETTER\": false, \"TOPICS\": \"sport\"}}")));

        rewrite("{\"id\": \"NEWSLETTER\", \"value\": \"consents_purposes_newsletter_enabled\"},", "");
        HttpResponse<String> reload = admin("POST", "/admin/config/reload");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(json(reload).path("mappings").asInt()).isEqualTo(1);

        awaitStatus(accepted(consentEvent("evt-after", "after@example.com", BOTH_MAPPED)), "delivered");
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/after@example.com")).withRequestBody(equalToJson(
                "{\"identifiers\": {\"email\": \"after@example.com\"}, \"dataFields\": {\"TOPICS\": \"sport\"}}")));
    }

    @Test
    void aBrokenConfigurationIsRefusedAndTheRunningOneStays() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        rewrite("\"value\": \"consents_purposes_newsletter_enabled\"", "\"value\": \"purposes.newsletter\"");

        HttpResponse<String> reload = admin("POST", "/admin/config/reload");
        assertThat(reload.statusCode()).isEqualTo(400);
        JsonNode error = json(reload);
        assertThat(error.path("error").asText()).isEqualTo("invalid_configuration");
        assertThat(error.path("field").asText()).isEqualTo("mappings[0].value");
        // the same words as a refused startup (StartupTest)
        assertThat(error.path("message").asText()).contains("mappings[0].value \"purposes.newsletter\" is not a supported Didomi key");

        awaitStatus(accepted(consentEvent("evt-still", "still@example.com", BOTH_MAPPED)), "delivered");
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/still@example.com")).withRequestBody(equalToJson(
                "{\"identifiers\": {\"email\": \"still@example.com\"}, \"dataFields\": {\"NEWSLETTER\": false, \"TOPICS\": \"sport\"}}")));
    }

    @Test
    void anotherRegionTakesARestart() throws Exception {
        rewrite(dotdigital.baseUrl(), "https://r2-api.dotdigital.com");

        HttpResponse<String> reload = admin("POST", "/admin/config/reload");
        assertThat(reload.statusCode()).isEqualTo(400);
        assertThat(json(reload).path("field").asText()).isEqualTo("authentication.url");
        assertThat(admin("POST", "/admin/config/reload").statusCode()).as("still refused: nothing half-applied").isEqualTo(400);
    }
}
