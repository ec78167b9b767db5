package io.consentsync.intake;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Didomi's OAuth client-credentials flow against POST /oauth/token, then Bearer tokens on the webhook. */
class WebhookAuthenticationTest extends ConnectorTestSupport {



    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.webhook.client-id", "didomi", "sync.webhook.client-secret", CLIENT_SECRET);
    }

    @Test
    void issuesATokenToBasicAuthenticatedClientsAndTheWebhookAcceptsIt() throws Exception {
        HttpResponse<String> token = post("/oauth/token", "grant_type=client_credentials",
                "application/x-www-form-urlencoded", Map.of("Authorization", basic("didomi", CLIENT_SECRET)));

        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(json(token).path("token_type").asText()).isEqualTo("Bearer");
        assertThat(json(token).path("expires_in").asLong()).isEqualTo(3600);
        String accessToken = json(token).path("access_token").asText();
        HttpResponse<String> webhook = post("/webhooks/didomi", newsletterEvent("evt-auth", "auth@example.com", true),
                "application/json", Map.of("Authorization", "Bearer " + accessToken));
        assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(202);
    }

    @Test
    void issuesATokenToClientsSendingTheirCredentialsAsFormFields() throws Exception {
        HttpResponse<String> token = post("/oauth/token",
                "grant_type=client_credentials&client_id=didomi&client_secret=" + CLIENT_SECRET,
                "application/x-www-form-urlencoded", Map.of());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(json(token).path("access_token").asText()).isNotBlank();
    }

    @Test
    void refusesWrongClientsAndGrants() throws Exception {
        HttpResponse<String> wrong = post("/oauth/token", "grant_type=client_credentials&client_id=didomi&client_secret=nope",
                "application/x-www-form-urlencoded", Map.of());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).path("error").asText()).isEqualTo("invalid_client");

        HttpResponse<String> grant = post("/oauth/token", "grant_type=password",
                "application/x-www-form-urlencoded", Map.of("Authorization", basic("didomi", CLIENT_SECRET)));
        assertThat(grant.statusCode()).isEqualTo(400);
        assertThat(json(grant).path("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void theWebhookRefusesMissingForgedAndForeignTokens() throws Exception {
        String event = newsletterEvent("evt-no-token", "x@example.com", true);
        HttpResponse<String> none = postWebhook(event);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json(none).path("field").asText()).isEqualTo("Authorization");

        assertThat(post("/webhooks/didomi", event, "application/json", Map.of("Authorization", "Bearer abc.def"))
                .statusCode()).isEqualTo(401);
        // signed with another secret, as another deployment would
        String foreign = new TokenSigner("didomi", "another-secret", java.time.Clock.systemUTC()).issue(3600);
        assertThat(post("/webhooks/didomi", event, "application/json", Map.of("Authorization", "Bearer " + foreign))
                .statusCode()).isEqualTo(401);
        String expired = new TokenSigner("didomi", CLIENT_SECRET, java.time.Clock.systemUTC()).issue(-10);
        assertThat(post("/webhooks/didomi", event, "application/json", Map.of("Authorization", "Bearer " + expired))
                .statusCode()).isEqualTo(401);
        assertThat(admin("GET", "/admin/events").body()).isEqualTo("[]");
    }
}
