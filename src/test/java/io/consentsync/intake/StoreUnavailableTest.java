package io.consentsync.intake;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

/** Never a 2xx for an event that was not stored: a store failure is 503, so Didomi retries. */
class StoreUnavailableTest extends ConnectorTestSupport {

    @Test
    void answers503WhenTheEventCannotBeStored() throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "")) {
            c.createStatement().execute("SHUTDOWN"); // the in-memory store is gone; new connections find no table
        }

        HttpResponse<String> r = postWebhook(newsletterEvent("evt-lost", "lost@example.com", true));

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).path("error").asText()).isEqualTo("store_unavailable");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
}
