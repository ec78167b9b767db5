package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.DotdigitalContactsStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.consentsync.support.DidomiStub.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reconcile run covers channel statuses and list memberships as it covers data fields (issue 14): a withdrawal a
 * webhook never brought unsubscribes the contact and takes it off the list, and a second run finds them in sync.
 */
class ReconcileChannelsAndListsTest extends ReconcileTestSupport {

    private static final DotdigitalContactsStub ACCOUNT = DotdigitalContactsStub.INSTANCE;

    @Override
    protected String integration() {
        return super.integration().replace("\"properties\": {}", """
                "properties": {"channels": {"email": {"value": "consents_purposes_newsletter_enabled"}},
                               "lists": [{"id": 123, "value": "consents_purposes_newsletter_enabled"}]}""");
    }

    @BeforeEach
    void account() {
        ACCOUNT.reset();
        ACCOUNT.addList(123, "Newsletter");
        dotdigital.stubFor(any(urlPathMatching("/contacts/v3/email/.*"))
                .willReturn(aResponse().withTransformers(DotdigitalContactsStub.NAME)));
        dotdigital.stubFor(any(urlPathMatching("/v2/address-books/.*"))
                .willReturn(aResponse().withTransformers(DotdigitalContactsStub.NAME)));
    }

    @Test
    void aWithdrawalTheWebhooksNeverBroughtUnsubscribesAndLeavesTheListThenASecondRunFindsItInSync() throws Exception {
        ACCOUNT.addContact("lost@example.com", "subscribed", 123);
        didomi.holds(List.of(user("u-lost", "lost@example.com", false, null, "2024-06-01T10:00:00.000Z")));

        JsonNode dry = finished(start("{\"dryRun\": true}"));
        JsonNode change = json(admin("GET", "/admin/reconcile/" + dry.path("id").asText() + "/changes"))
                .path("changes").get(0).path("dataFields");
        assertThat(change.path("channel:email").path("to").asText()).isEqualTo("unsubscribed");
        assertThat(change.path("channel:email").path("from").isNull()).isTrue();
        assertThat(change.path("list:123").path("to").asText()).isEqualTo("removed");

        finished(start("{}"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(ACCOUNT.emailStatus("lost@example.com")).isEqualTo("unsubscribed");
            assertThat(ACCOUNT.listsOf("lost@example.com")).isEmpty();
        });
        awaitDelivered("lost@example.com");

        JsonNode again = finished(start("{}"));
        assertThat(again.path("contactsChanged").asLong()).as("channel and list are recorded as written").isZero();
        assertThat(again.path("contactsInSync").asLong()).isEqualTo(1);
    }
}
