package io.consentsync.ordering;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-field monotonic writes: an older choice never overwrites a newer one, whatever order events arrive in. */
class ConsentOrderingTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    /** Long quick retries and one consumer, for the retrying-contact test; the other tests here never retry. */
    private static final long RETRY_DELAY_MS = 8000;

    @Override
    protected java.util.Map<String, String> extraProperties() {
        return java.util.Map.of("sync.delivery.concurrency", "1",
                "sync.retry.initial-delay-ms", String.valueOf(RETRY_DELAY_MS / 2),
                "sync.retry.max-delay-ms", String.valueOf(RETRY_DELAY_MS));
    }

    private static String newsletterAt(String eventId, String email, boolean enabled, String createdAt) {
        return newsletterEvent(eventId, email, enabled).replace("2024-05-02T09:15:00.000Z", createdAt);
    }

    @Test
    void anOlderEventArrivingLaterDoesNotOverwriteTheNewerWithdrawal() throws Exception {
        stubPatchAnswers(200);
        String newer = accepted(newsletterAt("evt-new", "order@example.com", false, "2024-05-02T10:00:00Z"));
        awaitStatus(newer, "delivered");

        String older = accepted(newsletterAt("evt-old", "Order@Example.com", true, "2024-05-02T09:00:00Z"));

        JsonNode stale = awaitStatus(older, "stale");
        assertThat(stale.path("reason").asText()).contains("NEWSLETTER holds a newer choice").contains(newer);
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/order@example.com"))
                .withRequestBody(equalToJson("{\"identifiers\": {\"email\": \"order@example.com\"}, \"dataFields\": {\"NEWSLETTER\": false}}")));
    }

    @Test
    void anOlderEventStillWritesTheFieldsNoNewerChoiceHasSet() throws Exception {
        stubPatchAnswers(200);
        awaitStatus(accepted(newsletterAt("evt-a", "partial@example.com", false, "2024-05-02T10:00:00Z")), "delivered");

        String older = accepted(consentEvent("evt-b", "partial@example.com", """
                [{"id": "newsletter", "enabled": true},
                 {"id": "marketing", "values": {"topics": {"value": "sport"}}}]""").replace("2024-05-02T09:15:00.000Z", "2024-05-02T09:00:00Z"));

        JsonNode event = awaitStatus(older, "delivered");
        assertThat(event.path("dataFieldsWritten").toString()).isEqualTo("{\"TOPICS\":\"sport\"}");
        assertThat(event.path("reason").asText()).startsWith("not written: NEWSLETTER holds a newer choice");
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/partial@example.com"))
                .withRequestBody(equalToJson("{\"identifiers\": {\"email\": \"partial@example.com\"}, \"dataFields\": {\"TOPICS\": \"sport\"}}")));
    }

    @Test
    void anOlderEventReplayedAfterANewerOneIsStale() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400).withBody("{\"errorCode\":\"contacts:badRequest\"}")));
        String older = accepted(newsletterAt("evt-first", "replay-order@example.com", true, "2024-05-02T09:00:00Z"));
        awaitStatus(older, "dead");
        stubPatchAnswers(200);
        String newer = accepted(newsletterAt("evt-second", "replay-order@example.com", false, "2024-05-02T10:00:00Z"));
        awaitStatus(newer, "delivered");

        assertThat(admin("POST", "/admin/events/" + older + "/replay").statusCode()).isEqualTo(200);

        awaitStatus(older, "stale");
        dotdigital.verify(2, patchRequestedFor(urlPathMatching(".*"))); // the failed first try and the newer write
    }

    @Test
    void aUserStateWithTheSameTimeButALowerVersionIsStale() throws Exception {
        stubPatchAnswers(200);
        String user = """
                {"type": "user.updated", "parameters": {"new_entity": {"id": "u1", "organization_user_id": "ver@example.com",
                  "updated_at": "2024-05-02T10:00:00Z", "version": 3,
                  "consents": {"purposes": [{"id": "newsletter", "enabled": false}]}}}}""";
        awaitStatus(accepted(user), "delivered");

        String lower = accepted(user.replace("\"version\": 3", "\"version\": 2").replace("false", "true"));

        awaitStatus(lower, "stale");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }

    /**
     * One delivery consumer, and a quick retry far longer than a delivery: if a retry held its consumer (or the
     * contacts were delivered one after another), the free contact would wait for the stuck one's retry. It must be
     * written while that retry is still waiting: after the stuck contact's first attempt and before its second.
     */
    @Test
    void aContactWhoseEventIsRetryingDoesNotHoldBackOtherContacts() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(503)));
        dotdigital.stubFor(contactPatch().atPriority(1).withRequestBody(equalToJson(
                "{\"identifiers\": {\"email\": \"free@example.com\"}, \"dataFields\": {\"NEWSLETTER\": true}}"))
                .willReturn(aResponse().withStatus(200)));

        String stuck = accepted(newsletterEvent("evt-stuck", "stuck@example.com", false));
        // the stuck contact's first attempt has been answered 503: its retry now waits RETRY_DELAY_MS
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                dotdigital.verify(1, patchRequestedFor(urlPathEqualTo("/contacts/v3/email/stuck@example.com"))));
        String free = accepted(newsletterEvent("evt-free", "free@example.com", true));

        awaitStatus(free, "delivered");
        // strictly sequential delivery (or a retry that holds the only consumer) would write free only after all of
        // stuck's retries: stuck would show 4 calls here, not 1
        java.util.Date freeWritten = dotdigital.findAll(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/free@example.com")))
                .get(0).getLoggedDate();
        assertThat(dotdigital.findAll(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/stuck@example.com"))))
                .as("free was written while the stuck contact's first retry still waited").hasSize(1)
                .allMatch(r -> !r.getLoggedDate().after(freeWritten));
        assertThat(json(admin("GET", "/admin/events/" + stuck)).path("status").asText()).isIn("pending", "retrying");
    }

    @Test
    void aConsentTimeFromTheFarFutureIsNotTrustedAndCannotHoldBackALaterWithdrawal() throws Exception {
        stubPatchAnswers(200);
        String future = accepted(newsletterAt("evt-9999", "future@example.com", true, "9999-12-31T23:59:59Z"));
        JsonNode optIn = awaitStatus(future, "delivered");
        assertThat(optIn.path("reason").asText())
                .contains("consent time 9999-12-31T23:59:59Z is more than 60 s after the event was received")
                .contains("ordered by the time received");
        assertThat(java.time.Instant.parse(optIn.path("consentTime").asText()))
                .isEqualTo(java.time.Instant.parse(optIn.path("receivedAt").asText()));

        String withdrawal = accepted(newsletterAt("evt-real", "future@example.com", false, java.time.Instant.now().toString()));

        assertThat(awaitStatus(withdrawal, "delivered").path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":false}");
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/future@example.com"))
                .withRequestBody(equalToJson("{\"identifiers\": {\"email\": \"future@example.com\"}, \"dataFields\": {\"NEWSLETTER\": false}}")));
    }

    @Test
    void aConsentTimeWithinTheAllowedSkewIsKept() throws Exception {
        stubPatchAnswers(200);
        String soon = java.time.Instant.now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        JsonNode event = awaitStatus(accepted(newsletterAt("evt-skew", "skew@example.com", true, soon)), "delivered");
        assertThat(event.path("consentTime").asText()).isEqualTo(soon);
        assertThat(event.path("reason").isNull()).isTrue();
    }
}
