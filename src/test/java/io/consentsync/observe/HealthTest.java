package io.consentsync.observe;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health on the management port: store down makes readiness DOWN; Dotdigital 401/403 are told apart. */
class HealthTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.mapping-check.initial-delay-ms", "100", "sync.mapping-check.interval-ms", "300");
    }

    @Override
    protected void stubDataFields() {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(aResponse().withStatus(401)
                .withBody("{\"message\":\"Authorization has been denied for this request.\"}")));
    }

    @Test
    void saysWhenTheCredentialsAreWrongAndWhenTheRegionIs() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> health = management("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"name\":\"dotdigital\",\"status\":\"DOWN\"")
                    .contains("rejected the API user's credentials (HTTP 401)");
        });
        assertThat(management("/observe/health/ready").statusCode()).as("Dotdigital trouble keeps webhooks flowing").isEqualTo(200);

        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(aResponse().withStatus(403).withBody("Access is denied")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(management("/observe/health").body()).contains("HTTP 403").contains("wrong region"));
    }

    @Test
    void readinessIsDownWhileTheStoreIsUnreachable() throws Exception {
        assertThat(management("/observe/health/ready").statusCode()).isEqualTo(200);
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "")) {
            c.createStatement().execute("SHUTDOWN"); // the store opens with IFEXISTS: no connection succeeds now
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> ready = management("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"name\":\"event-store\",\"status\":\"DOWN\"")
                    .contains("the event store cannot be reached");
        });
    }
}
