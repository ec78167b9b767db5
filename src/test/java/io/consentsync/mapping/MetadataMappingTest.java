package io.consentsync.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** User metadata is typed by its value, not by its key: it may map to Numeric and Date fields. */
class MetadataMappingTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.mapping-check.initial-delay-ms", "100");
    }

    @Override
    protected String integration() {
        return """
                {"type_id": "dotdigital",
                 "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "mappings": [
                   {"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "AGE", "value": "metadata_age"},
                   {"id": "SIGNUP", "value": "metadata_signup_date"}
                 ],
                 "upsert_mode": true}
                """.formatted(dotdigital.baseUrl());
    }

    @Override
    protected void stubDataFields() {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson("""
                [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                 {"name": "AGE", "type": "Numeric", "visibility": "Private", "defaultValue": null},
                 {"name": "SIGNUP", "type": "Date", "visibility": "Private", "defaultValue": null}]
                """)));
    }

    private static String withMetadata(String eventId, String email, String metadata) {
        return newsletterEvent(eventId, email, true).replace("\"metadata\": {\"source\": \"pc\"}", "\"metadata\": " + metadata);
    }

    @Test
    void metadataOnNumericAndDateFieldsIsReadyAndDeliveredInTheFieldsTypes() throws Exception {
        stubPatchAnswers(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> health = management("/observe/health");
            assertThat(health.body()).as(health.body()).contains("{\"name\":\"dotdigital-mapping\",\"status\":\"UP\"");
        });
        HttpResponse<String> ready = management("/observe/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

        String id = accepted(withMetadata("evt-meta", "meta@example.com", "{\"age\": 42, \"signup_date\": \"2024-01-15\"}"));

        awaitStatus(id, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/meta@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "meta@example.com"},
                         "dataFields": {"NEWSLETTER": true, "AGE": 42, "SIGNUP": "2024-01-15"}}""")));
    }

    @Test
    void anUnconvertibleMetadataValueKillsOnlyItsOwnEvent() throws Exception {
        stubPatchAnswers(200);
        String bad = accepted(withMetadata("evt-bad-age", "bad-age@example.com", "{\"age\": \"forty-two\"}"));
        String good = accepted(withMetadata("evt-good-age", "good-age@example.com", "{\"age\": 42}"));

        JsonNode dead = awaitStatus(bad, "dead");
        assertThat(dead.path("reason").asText())
                .contains("data field AGE has type Numeric and cannot hold \"forty-two\" (text) from metadata_age");
        awaitStatus(good, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/good-age@example.com"))
                .withRequestBody(equalToJson("{\"identifiers\": {\"email\": \"good-age@example.com\"},"
                        + " \"dataFields\": {\"NEWSLETTER\": true, \"AGE\": 42}}")));
        dotdigital.verify(0, patchRequestedFor(urlPathMatching("/contacts/v3/email/bad-age@example.com")));
    }
}
