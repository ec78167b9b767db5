package io.consentsync.mapping;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** properties.create_missing_data_fields: missing fields are created with the type their mapping needs. */
class MissingDataFieldCreationTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.mapping-check.initial-delay-ms", "100");
    }

    @Override
    protected String integration() {
        return """
                {"type_id": "dotdigital",
                 "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "properties": {"create_missing_data_fields": true},
                 "mappings": [
                   {"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "SMS_OK", "value": "consents_channels_sms_enabled"},
                   {"id": "SEEN_AT", "value": "updated_at"}
                 ]}
                """.formatted(dotdigital.baseUrl());
    }

    @Override
    protected void stubDataFields() {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).inScenario("fields").whenScenarioStateIs("Started")
                .willReturn(okJson("[{\"name\": \"NEWSLETTER\", \"type\": \"Boolean\", \"visibility\": \"Private\", \"defaultValue\": null}]")));
        dotdigital.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/v2/data-fields")).inScenario("fields")
                .willReturn(aResponse().withStatus(201)).willSetStateTo("created"));
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).inScenario("fields").whenScenarioStateIs("created")
                .willReturn(okJson("""
                        [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                         {"name": "SMS_OK", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                         {"name": "SEEN_AT", "type": "Date", "visibility": "Private", "defaultValue": null}]""")));
    }

    @Test
    void createsTheMissingFieldsWithTheNeededTypes() throws Exception {
        // created, then read again: the check found every field
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                dotdigital.verify(2, getRequestedFor(urlPathEqualTo("/v2/data-fields"))));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> health = management("/observe/health");
            assertThat(health.body()).contains("{\"name\":\"dotdigital-mapping\",\"status\":\"UP\"}");
        });
        assertThat(management("/observe/health/ready").statusCode()).isEqualTo(200);
        dotdigital.verify(1, postRequestedFor(urlPathEqualTo("/v2/data-fields"))
                .withRequestBody(equalToJson("{\"name\": \"SMS_OK\", \"type\": \"Boolean\", \"visibility\": \"Private\"}")));
        dotdigital.verify(1, postRequestedFor(urlPathEqualTo("/v2/data-fields"))
                .withRequestBody(equalToJson("{\"name\": \"SEEN_AT\", \"type\": \"Date\", \"visibility\": \"Private\"}")));
    }
}
