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
    void theClearIsDeliveredThenThePersonIsErasedAndALaterEventIsANewPerson() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        String deletion = accepted(ErasureTest.userDeleted("u-cleared", "cleared@example.com"));
        awaitStatus(deletion, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")).withRequestBody(equalToJson(
                "{\"identifiers\": {\"email\": \"cleared@example.com\"}, \"dataFields\": {\"NEWSLETTER\": null, \"TOPICS\": null}}")));

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(StoreSql.dumpMentions(jdbcUrl, "cleared@example.com")).isFalse());
        assertThat(StoreSql.count(jdbcUrl, "select count(*) from contact_field_state")).isZero();

        String late = accepted(newsletterEvent("evt-after-clear", "cleared@example.com", true)); // created 2024-05-02
        awaitStatus(late, "delivered");
        dotdigital.verify(2, patchRequestedFor(urlPathMatching(".*")));
    }
}
