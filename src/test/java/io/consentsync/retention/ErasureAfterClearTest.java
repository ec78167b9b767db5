package io.consentsync.retention;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * properties.on_user_deleted = clear keeps its meaning for Dotdigital (the fields are cleared); the erasure follows once
 * that clear was delivered, and the contact's field states go with it: a later event of the same address, even one
 * whose consent time is older than the deletion's, is a new person and is delivered, not stale.
 */
class ErasureAfterClearTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true")
                .replace("\"properties\": {}", "\"properties\": {\"on_user_deleted\": \"clear\"}");
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.erasure.key", "a-test-erasure-key");
    }

    @Test
    void theClearIsDeliveredThenThePersonIsErasedALateOlderEventIsIgnoredAndALaterChoiceIsANewPerson() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        String deletion = accepted(ErasureTest.userDeleted("u-cleared", "cleared@example.com"));
        awaitStatus(deletion, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")).withRequestBody(equalToJson(
                "{\"identifiers\": {\"email\": \"cleared@example.com\"}, \"dataFields\": {\"NEWSLETTER\": null, \"TOPICS\": null}}")));

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(StoreSql.dumpMentions(jdbcUrl, "cleared@example.com")).isFalse());
        assertThat(StoreSql.count(jdbcUrl, "select count(*) from contact_field_state")).isZero();

        // a choice older than the deletion arriving late (created 2024-05-02, deleted 2024-06-01) must not undo the
        // clear: ignored under the hash, not delivered
        String late = accepted(newsletterEvent("evt-after-clear", "cleared@example.com", true));
        assertThat(awaitStatus(late, "ignored").path("reasonCode").asText()).isEqualTo("predates_erasure");
        // a choice made after the deletion is a new person's: delivered
        String later = accepted(newsletterEvent("evt-new-person", "cleared@example.com", true)
                .replace("2024-05-02T09:15:00.000Z", "2024-07-01T00:00:00Z"));
        awaitStatus(later, "delivered");
        dotdigital.verify(2, patchRequestedFor(urlPathMatching(".*")));
        assertThat(StoreSql.count(jdbcUrl, "select count(*) from consent_event where payload is not null "
                + "and id = '" + late + "'")).isZero();
    }
}
