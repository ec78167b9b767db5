package io.consentsync.mapping;

import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.DotdigitalContactsStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * properties.lists: the mapping check asks Dotdigital for every list (GET /v2/address-books/{id}); one that does not
 * exist makes the dotdigital-lists check DOWN naming its id and pauses delivery, until it exists; readiness (intake)
 * stays UP: a configuration problem never stops webhooks from landing.
 */
class MissingListTest extends ConnectorTestSupport {

    static final DotdigitalContactsStub ACCOUNT = DotdigitalContactsStub.INSTANCE;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.mapping-check.initial-delay-ms", "100", "sync.mapping-check.problem-interval-ms", "300");
    }

    @Override
    protected String integration() {
        return super.integration().replace("\"properties\": {}", """
                "properties": {"lists": [{"id": 123, "value": "consents_purposes_newsletter_enabled"},
                                         {"id": 999, "value": "consents_purposes_newsletter_enabled"}]}""");
    }

    @BeforeEach
    void account() {
        ACCOUNT.reset();
        ACCOUNT.addList(123, "Newsletter");
        dotdigital.stubFor(any(urlPathMatching("/v2/address-books/.*"))
                .willReturn(aResponse().withTransformers(DotdigitalContactsStub.NAME)));
        dotdigital.stubFor(any(urlPathMatching("/contacts/v3/email/.*"))
                .willReturn(aResponse().withTransformers(DotdigitalContactsStub.NAME)));
    }

    @Test
    void aMissingListMakesItsCheckDownNamingItAndPausesDeliveryButNotIntake() throws Exception {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> health = management("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("dotdigital-lists").contains("[999]").doesNotContain("[123");
        });
        assertThat(management("/observe/health/ready").statusCode()).as("intake stays ready").isEqualTo(200);
        dotdigital.verify(getRequestedFor(urlEqualTo("/v2/address-books/123")));
        assertThat(management("/observe/health").body()).contains("list 999 (properties.lists) does not exist in Dotdigital");
        ACCOUNT.addContact("wait@example.com", "subscribed");
        String id = accepted(newsletterEvent("evt-wait", "wait@example.com", true));
        assertThat(admin("GET", "/admin/events/" + id).body()).contains("\"status\":\"pending\"");

        ACCOUNT.addList(999, "Created since");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(management("/observe/health").body()).doesNotContain("[999]"));
        awaitStatus(id, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/wait@example.com")));
    }
}
