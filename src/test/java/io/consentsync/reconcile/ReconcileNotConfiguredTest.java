package io.consentsync.reconcile;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without the Didomi API settings the connector runs as before, and a run is refused naming what is missing. */
class ReconcileNotConfiguredTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.didomi.organization-id", "org-test"); // no API key, no secret
    }

    @Test
    void aRunIs400NamingTheMissingSetting() throws Exception {
        HttpResponse<String> r = post("/admin/reconcile", "{\"dryRun\": true}", "application/json",
                Map.of("Authorization", basic("admin", ADMIN_PASSWORD)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("error").asText()).isEqualTo("not_configured");
        assertThat(json(r).path("field").asText()).isEqualTo("sync.didomi.api-key");
        assertThat(json(r).path("message").asText()).contains("sync.didomi.api-key");
        assertThat(json(admin("GET", "/admin/reconcile")).path("lastRun").isNull()).isTrue();
    }
}
