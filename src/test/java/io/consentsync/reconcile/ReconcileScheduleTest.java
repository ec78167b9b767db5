package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.DidomiContract;
import io.consentsync.support.DidomiStub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** sync.reconcile.interval-ms: runs start by themselves, real runs over every user, one after the other. */
class ReconcileScheduleTest extends ReconcileTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        Map<String, String> properties = new java.util.HashMap<>(super.extraProperties());
        properties.putAll(Map.of("sync.reconcile.interval-ms", "2000"));
        return properties;
    }

    @Test
    void runsStartOnTheirOwnEveryInterval() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        didomi.holds(List.of(DidomiStub.user("u1", "scheduled@example.com", true, null, "2024-06-01T10:00:00.000Z")));
        String[] first = new String[1];
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode last = json(admin("GET", "/admin/reconcile")).path("lastRun");
            assertThat(last.path("status").asText()).isEqualTo("finished");
            assertThat(last.path("dryRun").asBoolean()).isFalse();
            assertThat(last.path("contactsChanged").asLong()).isEqualTo(1);
            first[0] = last.path("id").asText();
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode last = json(admin("GET", "/admin/reconcile")).path("lastRun");
            assertThat(last.path("id").asText()).isNotEqualTo(first[0]);
            assertThat(last.path("status").asText()).isEqualTo("finished");
            assertThat(last.path("contactsInSync").asLong()).as("the first run's event was delivered").isEqualTo(1);
        });
        assertThat(DidomiContract.violations(didomi.requests())).isEmpty();
    }
}
