package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Dotdigital calls of deliver-to-dotdigital sit in direct: routes without an error handler of their own
 * (look-up-dotdigital-contact, refresh-data-field-catalog inside convert-contact-write, write-dotdigital-contact): a
 * failure there is still retried by dotdigital-delivery-errors, by exactly one redelivery policy (here: one quick
 * retry after 1 s, then the event waits in the store for 2 s).
 */
class SubRouteRedeliveryTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.retry.max-redeliveries", "1", "sync.retry.initial-delay-ms", "1000",
                "sync.retry.max-delay-ms", "1000");
    }

    @Test
    void aFailedLookupInsideItsSubRouteIsRetriedByTheDeliveryErrorHandler() throws Exception {
        dotdigital.stubFor(contactLookup().inScenario("lookup").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("busy")).willSetStateTo("answered"));
        dotdigital.stubFor(contactLookup().inScenario("lookup").whenScenarioStateIs("answered")
                .willReturn(okJson("""
                        {"contactId": 42, "status": "subscribed", "identifiers": {"email": "sub@example.com"}, "dataFields": {}}
                        """)));
        stubPatchAnswers(200);

        String id = accepted(newsletterEvent("evt-sub-lookup", "sub@example.com", true));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("attempts").asInt()).isEqualTo(2);
        dotdigital.verify(2, getRequestedFor(urlPathMatching("/contacts/v3/email/.*")));
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/.*")));
        // the redelivery repeats the failed call's own route, not the preparation before it
        dotdigital.verify(1, getRequestedFor(urlPathEqualTo("/v2/data-fields")));
    }

    @Test
    void aFailureTwoRoutesDownGetsOneRedeliveryPolicyNotOnePerRoute() throws Exception {
        dotdigital.stubFor(contactLookup().willReturn(aResponse().withStatus(503).withBody("down")));

        String id = accepted(newsletterEvent("evt-sub-down", "down@example.com", true));

        JsonNode[] event = new JsonNode[1];
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            event[0] = json(admin("GET", "/admin/events/" + id));
            assertThat(event[0].path("reason").asText()).contains("quick retries spent: waits in the store");
        });
        // one first attempt and one quick retry: a second error handler in the sub-route would have retried too
        assertThat(event[0].path("status").asText()).isEqualTo("retrying");
        assertThat(event[0].path("attempts").asInt()).isEqualTo(2);
        assertThat(event[0].path("lastResponseCode").asInt()).isEqualTo(503);
        dotdigital.verify(2, getRequestedFor(urlPathMatching("/contacts/v3/email/.*")));
    }

    @Test
    void aFailedDataFieldReadInsideThePreparationIsRetried() throws Exception {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).inScenario("fields").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502).withBody("bad gateway")).willSetStateTo("answered"));
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).inScenario("fields").whenScenarioStateIs("answered")
                .willReturn(okJson("""
                        [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null}]
                        """)));
        stubContactFound("subscribed");
        stubPatchAnswers(200);

        String id = accepted(newsletterEvent("evt-sub-fields", "fields@example.com", true));

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("attempts").asInt()).isEqualTo(2);
        dotdigital.verify(2, getRequestedFor(urlPathEqualTo("/v2/data-fields")));
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/.*")));
    }
}
