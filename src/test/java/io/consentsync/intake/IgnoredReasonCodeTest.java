package io.consentsync.intake;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Events intake only records carry their reason as a code too: the metric label never comes from the sentence. */
class IgnoredReasonCodeTest extends ConnectorTestSupport {

    @Test
    void anIgnoredEventIsStoredWithItsReasonCode() throws Exception {
        String regulation = accepted(consentEvent("evt-ccpa", "ccpa@example.com", "[]")
                .replace("\"regulation\": \"gdpr\"", "\"regulation\": \"ccpa\""));
        String pending = accepted(consentEvent("evt-pending", "pending@example.com", "[]")
                .replace("\"status\": \"confirmed\"", "\"status\": \"pending_approval\""));
        String unsupported = accepted("{\"type\": \"notice.viewed\", \"parameters\": {}}");

        assertThat(code(regulation)).isEqualTo("REGULATION");
        assertThat(code(pending)).isEqualTo("PENDING_APPROVAL");
        assertThat(code(unsupported)).isEqualTo("UNSUPPORTED_TYPE");
        assertThat(management("/observe/metrics").body())
                .contains("consent_sync_event_outcomes_total{reason_class=\"regulation\",status=\"ignored\"} 1.0");
    }

    private String code(String id) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
             PreparedStatement ps = c.prepareStatement("select status, reason_code from consent_event where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ignored");
                return rs.getString(2);
            }
        }
    }
}
