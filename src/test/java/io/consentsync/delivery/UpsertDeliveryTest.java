package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** upsert_mode true: one PATCH creates or updates the contact, no lookup needed. */
class UpsertDeliveryTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void createsTheContactWithOnePatch() throws Exception {
        stubPatchAnswers(201);

        String id = accepted(newsletterEvent("evt-new", "new@example.com", true));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("lastResponseCode").asInt()).isEqualTo(201);
        assertThat(event.path("attempts").asInt()).isEqualTo(1);
        dotdigital.verify(0, getRequestedFor(urlPathMatching("/contacts/.*")));
        dotdigital.verify(1, patchRequestedFor(urlEqualTo("/contacts/v3/email/new@example.com?merge-option=overwrite"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "new@example.com"}, "dataFields": {"NEWSLETTER": true}}""")));
    }
}
