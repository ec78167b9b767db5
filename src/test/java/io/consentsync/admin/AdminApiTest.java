package io.consentsync.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin API: event detail, filtered lists, replay of dead events, HTTP Basic. */
class AdminApiTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void replaysADeadEventOnceDotdigitalAcceptsIt() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withBody("{\"errorCode\":\"contacts:badRequest\",\"description\":\"Bad request\"}")));
        String id = accepted(newsletterEvent("evt-replay", "replay@example.com", false));
        awaitStatus(id, "dead");

        HttpResponse<String> dead = admin("GET", "/admin/events?status=dead&limit=50");
        assertThat(dead.statusCode()).isEqualTo(200);
        assertThat(json(dead)).hasSize(1);
        assertThat(json(dead).get(0).path("id").asText()).isEqualTo(id);

        stubPatchAnswers(200);
        HttpResponse<String> replay = admin("POST", "/admin/events/" + id + "/replay");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(json(replay).path("previousStatus").asText()).isEqualTo("dead");

        JsonNode event = awaitStatus(id, "delivered");
        assertThat(event.path("attempts").asInt()).isEqualTo(2);
        dotdigital.verify(2, patchRequestedFor(urlPathMatching("/contacts/v3/email/replay@example.com")));
        assertThat(json(admin("GET", "/admin/events?status=dead"))).isEmpty();

        HttpResponse<String> again = admin("POST", "/admin/events/" + id + "/replay");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).path("error").asText()).isEqualTo("not_replayable");
    }

    @Test
    void showsEachFieldOfAnEvent() throws Exception {
        stubPatchAnswers(201);
        String id = accepted(newsletterEvent("evt-view", "view@example.com", true));
        JsonNode event = awaitStatus(id, "delivered");

        assertThat(event.path("id").asText()).isEqualTo(id);
        assertThat(event.path("type").asText()).isEqualTo("event.created");
        assertThat(event.path("organizationUserId").asText()).isEqualTo("view@example.com");
        assertThat(event.path("attempts").asInt()).isEqualTo(1);
        assertThat(event.path("receivedAt").asText()).isNotBlank();
        assertThat(event.path("updatedAt").asText()).isNotBlank();
        assertThat(event.has("reason")).isTrue();
    }

    @Test
    void answersPreciseErrors() throws Exception {
        assertThat(admin("GET", "/admin/events/no-such-id").statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/admin/events/no-such-id/replay").statusCode()).isEqualTo(404);
        HttpResponse<String> status = admin("GET", "/admin/events?status=lost");
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(json(status).path("field").asText()).isEqualTo("status");
        HttpResponse<String> limit = admin("GET", "/admin/events?limit=0");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(json(limit).path("field").asText()).isEqualTo("limit");
    }

    @Test
    void requiresTheAdminCredentials() throws Exception {
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/events"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/events"))
                .header("Authorization", basic("admin", "guess")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
    }
}
