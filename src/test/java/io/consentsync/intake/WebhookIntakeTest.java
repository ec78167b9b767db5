package io.consentsync.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** The webhook answers: 202 only once stored, 200 for a repeat, precise 4xx for bad input, ignored events recorded. */
class WebhookIntakeTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.webhook.max-body-bytes", "2048");
    }

    @Test
    void theSameEventSentTwiceIsStoredAndDeliveredOnce() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        String body = newsletterEvent("evt-dup", "dup@example.com", false);

        String id = accepted(body);
        awaitStatus(id, "delivered");
        HttpResponse<String> again = postWebhook(body);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("id").asText()).isEqualTo(id);
        assertThat(json(again).path("status").asText()).isEqualTo("duplicate");
        awaitNothingLeftToDeliver();
        dotdigital.verify(1, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void aUserUpdateIsTheSameEventWhenItsVersionIsTheSame() throws Exception {
        String user = """
                {"type": "user.updated", "parameters": {"source": {"id": "e9"},
                  "old_entity": {"id": "u1", "organization_user_id": "v@example.com"},
                  "new_entity": {"id": "u1", "organization_user_id": "v@example.com", "version": 7,
                                 "updated_at": "2024-05-02T10:00:00Z", "consents": {"purposes": []}}}}""";
        String id = json(postWebhook(user)).path("id").asText();
        HttpResponse<String> again = postWebhook(user);
        HttpResponse<String> newer = postWebhook(user.replace("\"version\": 7", "\"version\": 8"));

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("id").asText()).isEqualTo(id);
        assertThat(newer.statusCode()).isEqualTo(202);
        assertThat(json(newer).path("id").asText()).isNotEqualTo(id);
    }

    @Test
    void refusesANonJsonContentType() throws Exception {
        HttpResponse<String> r = post("/webhooks/didomi", "type=event.created", "application/x-www-form-urlencoded", Map.of());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(json(r).path("field").asText()).isEqualTo("Content-Type");
    }

    @Test
    void refusesABodyAboveTheSizeLimit() throws Exception {
        String big = newsletterEvent("evt-big", "big@example.com", true).replace("\"source\": \"pc\"",
                "\"source\": \"" + "x".repeat(3000) + "\"");
        HttpResponse<String> r = postWebhook(big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).path("error").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void namesTheProblemOfMalformedOrIncompleteEvents() throws Exception {
        assertRejected("{\"type\": \"event.created\", ", 400, "body");
        assertRejected("[1, 2]", 400, "body");
        assertRejected("{\"parameters\": {}}", 400, "type");
        assertRejected("{\"type\": 5, \"parameters\": {}}", 400, "type");
        assertRejected("{\"type\": \"event.created\"}", 400, "parameters");
        assertRejected("{\"type\": \"event.created\", \"parameters\": {}}", 400, "parameters.entity");
        assertRejected("{\"type\": \"user.updated\", \"parameters\": {\"entity\": {}}}", 400, "parameters.new_entity");
        assertRejected("{\"type\": \"event.created\", \"parameters\": {\"entity\": {\"consents\": {\"purposes\": [{\"enabled\": true}]}}}}",
                400, "parameters.entity.consents.purposes[0].id");
        assertThat(admin("GET", "/admin/events").body()).isEqualTo("[]");
    }

    @Test
    void onlyPostIsAllowed() throws Exception {
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/webhooks/didomi"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void recordsButIgnoresEventsThatAreNotForDelivery() throws Exception {
        // another person than the events below: an ignored deletion is handled, so its person is erased, and a later
        // event of theirs with an older consent time would be ignored as older than the erasure (ErasureTest)
        assertIgnored("{\"type\": \"user.deleted\", \"parameters\": {\"entity\": {\"id\": \"u1\", \"organization_user_id\": \"gone@example.com\"}}}",
                "user.deleted is recorded only (properties.on_user_deleted is ignore)");
        assertIgnored("{\"type\": \"event.deleted\", \"parameters\": {\"entity\": {\"id\": \"e1\"}}}", "event.deleted is recorded only");
        assertIgnored("{\"type\": \"consent.rewritten\", \"parameters\": {}}", "unsupported event type consent.rewritten");
        assertIgnored(newsletterEvent("evt-cpra", "a@example.com", true).replace("\"regulation\": \"gdpr\"", "\"regulation\": \"cpra\""),
                "regulation cpra is not in properties.regulations");
        assertIgnored(newsletterEvent("evt-pending", "a@example.com", true).replace("\"confirmed\"", "\"pending_approval\""),
                "pending_approval");
        assertIgnored(newsletterEvent("evt-anon", "a@example.com", true).replace("\"organization_user_id\": \"a@example.com\", ", ""),
                "no organization_user_id");
        awaitNothingLeftToDeliver();
        assertThat(dotdigital.getAllServeEvents()).isEmpty();
    }

    private void assertRejected(String body, int status, String field) throws Exception {
        HttpResponse<String> r = postWebhook(body);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode error = json(r);
        assertThat(error.path("field").asText()).as(r.body()).isEqualTo(field);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    private void assertIgnored(String body, String reason) throws Exception {
        String id = accepted(body);
        JsonNode event = awaitStatus(id, "ignored");
        assertThat(event.path("reason").asText()).contains(reason);
        assertThat(event.path("attempts").asInt()).isZero();
    }
}
