package io.consentsync.delivery;

import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.TestLogFile;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of contacts fail during an outage, more than Camel's redelivery queue (1000) holds: no retry is dropped.
 * The retries beyond sync.retry.max-in-memory wait in the store with their due time, every event has a record of its
 * failure, and every one is written once Dotdigital is back.
 */
class OutageFloodTest extends ConnectorTestSupport {

    private static final int CONTACTS = 1500;

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Override
    protected Map<String, String> extraProperties() {
        // retries far apart, so at the peak every failing contact waits for one at the same time
        return Map.of("sync.retry.max-redeliveries", "20", "sync.retry.initial-delay-ms", "1500",
                "sync.retry.max-delay-ms", "3000", "sync.retry.max-in-memory", "50",
                "sync.import.min-waiting-events", "0",
                // this test is about retries that cannot wait in memory, not about the outage pause
                "sync.outage.failure-threshold", "1000000");
    }

    @Test
    void everyEventOfAFloodDuringAnOutageIsRecordedAndDeliveredAfterIt() throws Exception {
        java.nio.file.Path log = TestLogFile.PATH;
        long logStart = java.nio.file.Files.exists(log) ? java.nio.file.Files.size(log) : 0; // the file outlives runs
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(503).withBody("maintenance")));
        for (int i = 0; i < CONTACTS; i++) {
            accepted(newsletterEvent("evt-flood-" + i, "flood" + i + "@example.com", false));
        }

        // none is left pending without a record: each failed and says why, waiting in memory or in the store
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(countByStatus()).isEqualTo(Map.of("retrying", (long) CONTACTS)));
        assertThat(count("select count(*) from consent_event where reason like 'HTTP 503 from Dotdigital%'")).isEqualTo(CONTACTS);
        assertThat(count("select count(*) from consent_event where reason like '%the retry waits in the store%'"))
                .as("retries beyond sync.retry.max-in-memory wait in the store").isPositive();

        stubPatchAnswers(200);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(countByStatus()).isEqualTo(Map.of("delivered", (long) CONTACTS)));
        assertThat(count("select count(*) from contact_claim where claimed_until >= current_timestamp"))
                .as("no live claim is left behind").isZero();
        for (int i = 0; i < CONTACTS; i += 149) {
            dotdigital.verify(patchRequestedFor(urlPathMatching("/contacts/v3/email/flood" + i + "@example.com")));
        }
        byte[] all = java.nio.file.Files.readAllBytes(log);
        String written = new String(all, (int) Math.min(logStart, all.length), all.length - (int) Math.min(logStart, all.length),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(written).contains("status=delivered").doesNotContain("RejectedExecutionException");
    }

    private Map<String, Long> countByStatus() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
             ResultSet rs = c.createStatement().executeQuery("select status, count(*) from consent_event group by status")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
