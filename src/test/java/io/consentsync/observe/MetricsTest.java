package io.consentsync.observe;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /observe/metrics after a known sequence of events: exact counter values, and no personal data in any label. */
class MetricsTest extends ConnectorTestSupport {

    @Test
    void countsEventsOutcomesAndCallsWithoutPersonalData() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        awaitStatus(accepted(newsletterEvent("evt-m1", "m1@example.com", true)), "delivered");
        awaitStatus(accepted(newsletterEvent("evt-m2", "m2@example.com", false)), "delivered");
        assertThat(postWebhook(newsletterEvent("evt-m2", "m2@example.com", false)).statusCode()).isEqualTo(200);
        awaitStatus(accepted(newsletterEvent("evt-m3", "m3@example.com", true).replace("\"confirmed\"", "\"pending_approval\"")), "ignored");
        stubContactNotFound();
        awaitStatus(accepted(newsletterEvent("evt-m4", "m4@example.com", true)), "skipped");

        // counters are updated after the admin API shows the outcome (the outcome is committed first): wait for the
        // exact values; then, with nothing left in flight, read them again, so a count that is doubled later fails too
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertCounts(metrics()));
        await().atMost(Duration.ofSeconds(10)).until(() -> context.getInflightRepository().size() == 0);
        String metrics = metrics();
        assertCounts(metrics);
        List<String> labels = metrics.lines().filter(l -> !l.startsWith("#") && l.contains("{"))
                .map(l -> l.substring(l.indexOf('{'), l.lastIndexOf('}') + 1)).toList();
        assertThat(labels).isNotEmpty().noneMatch(l -> l.contains("@") || l.contains("example.com") || l.contains("evt-m"));
    }

    @Test
    void countsRedeliveries() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(503)));
        stubContactFound("subscribed");
        String id = accepted(newsletterEvent("evt-r", "r@example.com", true));
        // three quick retries, then the event waits in the store (recorded as retrying once more)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(json(admin("GET", "/admin/events/" + id)).path("reason").asText()).contains("quick retries spent"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(value(metrics, "consent_sync_redeliveries_total")).isGreaterThanOrEqualTo(3.0);
            assertThat(value(metrics, "consent_sync_event_outcomes_total{reason_class=\"http_5xx\",status=\"retrying\"}"))
                    .isGreaterThanOrEqualTo(4.0);
            assertThat(metrics).doesNotContain("status=\"dead\"");
        });
    }

    private static void assertCounts(String metrics) {
        assertThat(value(metrics, "consent_sync_events_received_total{duplicate=\"false\",type=\"event.created\"}")).isEqualTo(4.0);
        assertThat(value(metrics, "consent_sync_events_received_total{duplicate=\"true\",type=\"event.created\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "consent_sync_event_outcomes_total{reason_class=\"ok\",status=\"delivered\"}")).isEqualTo(2.0);
        assertThat(value(metrics, "consent_sync_event_outcomes_total{reason_class=\"pending_approval\",status=\"ignored\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "consent_sync_event_outcomes_total{reason_class=\"contact_not_found\",status=\"skipped\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "consent_sync_dotdigital_calls_total{method=\"GET\",status=\"200\"}")).isEqualTo(3.0); // data fields + 2 lookups
        assertThat(value(metrics, "consent_sync_dotdigital_calls_total{method=\"GET\",status=\"404\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "consent_sync_dotdigital_calls_total{method=\"PATCH\",status=\"200\"}")).isEqualTo(2.0);
        assertThat(metrics).contains("consent_sync_events_waiting").contains("consent_sync_oldest_waiting_event_age_seconds");
        assertThat(metrics).contains("camel_exchanges_total{camelContext=\"dotdigital-consent-sync\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"deliver-to-dotdigital\"}");
    }

    private String metrics() throws Exception {
        return management("/observe/metrics").body();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(m.find()).as("series " + series + " in\n" + metrics.lines().filter(l -> l.startsWith("consent_sync")).toList()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
