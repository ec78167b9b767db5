package io.consentsync.monitoring;

import io.consentsync.support.ConnectorTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With sync.jmx.enabled=true: Camel's route MBeans and the connector's io.consentsync:type=ConsentSync are in the
 * platform MBean server (what JConsole and Hawtio read), and the connector's MBean reads the counts /observe/metrics
 * shows: events waiting, dead events, and the pauses in force.
 */
class JmxTest extends ConnectorTestSupport {

    private final MBeanServer platform = ManagementFactory.getPlatformMBeanServer();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withEnableJMX(); // camel.main.jmx-enabled=true as application.properties has it
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.jmx.enabled", "true");
    }

    @Test
    void theConnectorsMBeanReadsTheCountsTheMetricsShow() throws Exception {
        ObjectName name = new ObjectName(Monitoring.OBJECT_NAME);
        assertThat(platform.isRegistered(name)).isTrue();
        assertThat(platform.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null))
                .anyMatch(n -> "\"write-dotdigital-contact\"".equals(n.getKeyProperty("name")));

        stubContactFound("subscribed");
        stubPatchAnswers(200);
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/dead.*")).atPriority(1)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\": \"invalid data field value\"}")));
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/wait.*")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        awaitStatus(accepted(newsletterEvent("evt-j1", "ok@example.com", true)), "delivered");
        awaitStatus(accepted(newsletterEvent("evt-j2", "dead@example.com", true)), "dead");
        awaitStatus(accepted(newsletterEvent("evt-j3", "wait@example.com", true)), "retrying");

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            String metrics = management("/observe/metrics").body();
            assertThat((Long) platform.getAttribute(name, "WaitingEvents")).isEqualTo(1L)
                    .isEqualTo((long) value(metrics, "consent_sync_events_waiting"));
            assertThat((Long) platform.getAttribute(name, "DeadEvents")).isEqualTo(1L)
                    .isEqualTo((long) sum(metrics, "consent_sync_event_outcomes_total", "status=\"dead\""));
            assertThat((Boolean) platform.getAttribute(name, "Paused")).isFalse();
            assertThat((String[]) platform.getAttribute(name, "PausedReasons")).isEmpty();
            assertThat(sum(metrics, "consent_sync_delivery_paused", "")).isZero();
        });

        // a 429 pauses every call: the MBean names the pause the metric shows
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/email/limit.*")).atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600")));
        accepted(newsletterEvent("evt-j4", "limit@example.com", true));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            String metrics = management("/observe/metrics").body();
            assertThat(value(metrics, "consent_sync_delivery_paused{reason=\"rate_limit\"}")).isEqualTo(1.0);
            assertThat((Boolean) platform.getAttribute(name, "Paused")).isTrue();
            assertThat(Arrays.asList((String[]) platform.getAttribute(name, "PausedReasons"))).isEqualTo(List.of("rate_limit"));
            assertThat((Long) platform.getAttribute(name, "WaitingEvents"))
                    .isEqualTo((long) value(metrics, "consent_sync_events_waiting")).isEqualTo(2L);
        });
    }

    @Test
    void theMBeanLeavesWithTheContext() throws Exception {
        assertThat(platform.isRegistered(new ObjectName(Monitoring.OBJECT_NAME))).isTrue();
        context.stop();
        assertThat(platform.isRegistered(new ObjectName(Monitoring.OBJECT_NAME))).isFalse();
        assertThat(platform.queryNames(new ObjectName("org.apache.camel:*"), null)).isEmpty();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(m.find()).as("series " + series).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** The sum of a metric's series whose labels contain {@code label} (0 when none has been recorded yet). */
    private static double sum(String metrics, String metric, String label) {
        return metrics.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
                .filter(l -> l.contains(label)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
