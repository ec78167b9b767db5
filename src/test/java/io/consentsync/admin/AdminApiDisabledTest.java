package io.consentsync.admin;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Without sync.admin.password the admin API answers no request. */
class AdminApiDisabledTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.admin.password", "");
    }

    @Test
    void staysClosedWithoutAPassword() throws Exception {
        HttpResponse<String> r = admin("GET", "/admin/events");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).path("message").asText()).contains("sync.admin.password");
    }
}
