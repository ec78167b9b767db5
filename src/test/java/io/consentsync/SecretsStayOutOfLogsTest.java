package io.consentsync;

import io.consentsync.support.ConnectorTestSupport;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.consentsync.support.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/** Passwords, client secret and tokens never reach the log or the admin API, even on failures. */
class SecretsStayOutOfLogsTest extends ConnectorTestSupport {

    private static final String DIDOMI_SECRET = "didomi-api-secret-77d1";
    private static final String ERASURE_KEY = "erasure-hmac-key-4b0e";

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Override
    protected Map<String, String> extraProperties() {
        // the startup summary as shipped (every property with where it came from); the test kit turns it off
        return Map.of("sync.webhook.client-id", "didomi", "sync.webhook.client-secret", CLIENT_SECRET,
                "sync.didomi.api-secret", DIDOMI_SECRET, "sync.erasure.key", ERASURE_KEY,
                "camel.main.startup-summary-level", "verbose");
    }

    /** This test's own log lines, from before the connector boots until after it stops, the connector's at DEBUG. */
    private LogCapture log;

    @Override
    public void configureContext(org.apache.camel.test.junit5.CamelContextConfiguration config) {
        log = LogCapture.start(Level.DEBUG, "io.consentsync"); // what LOG_LEVEL=DEBUG lowers
        super.configureContext(config);
    }

    @AfterEach
    void stopCapture() {
        log.close();
    }

    @Test
    void noSecretIsLoggedOrShown() throws Exception {
        // one 503 first, so a retry is logged (at DEBUG), then the 401 that pauses delivery
        dotdigital.stubFor(contactPatch().inScenario("auth").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("denied"));
        dotdigital.stubFor(contactPatch().inScenario("auth").whenScenarioStateIs("denied").willReturn(aResponse().withStatus(401)
                .withBody("{\"message\":\"Authorization has been denied for this request.\"}")));
        String token = json(post("/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded",
                Map.of("Authorization", basic("didomi", CLIENT_SECRET)))).path("access_token").asText();
        HttpResponse<String> r = post("/webhooks/didomi", newsletterEvent("evt-secret", "secret@example.com", true),
                "application/json", Map.of("Authorization", "Bearer " + token));
        String id = json(r).path("id").asText();
        // a 401 pauses delivery and the event waits (it is not the event's fault), saying why
        String[] view = new String[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).untilAsserted(() -> {
            view[0] = admin("GET", "/admin/events/" + id).body();
            assertThat(view[0]).containsAnyOf("\"status\":\"pending\"", "\"status\":\"retrying\"")
                    .contains("waiting: delivery paused").contains("Authorization has been denied");
        });
        String adminView = view[0];
        String list = admin("GET", "/admin/events").body();
        context.stop(); // flush everything the connector logs on the way down

        String log = this.log.text();
        String ddBasic = Base64.getEncoder().encodeToString(("apiuser-test@apiconnector.com:" + DOTDIGITAL_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(log).contains("Delivery to Dotdigital PAUSED (credentials)")
                .as("the capture holds the connector's DEBUG lines").contains("DEBUG io.consentsync.delivery.DeliveryAttemptRecorder - events [")
                .as("and its startup").contains("Apache Camel")
                .as("with every property in the startup summary").contains("sync.dotdigital.password")
                .contains("sync.erasure.key");
        for (String secret : new String[] {DOTDIGITAL_PASSWORD, ADMIN_PASSWORD, CLIENT_SECRET, DIDOMI_SECRET, ERASURE_KEY,
                token, ddBasic}) {
            assertThat(log).doesNotContain(secret);
            assertThat(adminView).doesNotContain(secret);
            assertThat(list).doesNotContain(secret);
        }
    }
}
