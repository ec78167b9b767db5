package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.DidomiContract;
import io.consentsync.support.DidomiStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.consentsync.support.DidomiStub.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Didomi API stub for the class, every request checked against Didomi's OpenAPI files, and run helpers. */
abstract class ReconcileTestSupport extends ConnectorTestSupport {

    static DidomiStub didomi;

    @BeforeAll
    static void startDidomi() {
        didomi = new DidomiStub();
    }

    @AfterAll
    static void stopDidomi() {
        didomi.close();
    }

    @AfterEach
    void requestsMatchDidomiContracts() throws Exception {
        assertThat(DidomiContract.violations(didomi.requests())).as("requests sent to Didomi that break its contract").isEmpty();
        didomi.reset();
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of(
                "sync.didomi.api-url", didomi.baseUrl(),
                "sync.didomi.organization-id", DidomiStub.ORGANIZATION,
                "sync.didomi.api-key", DidomiStub.API_KEY,
                "sync.didomi.api-secret", DidomiStub.API_SECRET,
                "sync.didomi.retry-initial-delay-ms", "50",
                "sync.didomi.max-retries", "3",
                "sync.didomi.max-answer-bytes", "200000",
                "sync.didomi.answer-timeout-ms", "3000");
    }

    Map<String, String> adminAuth() {
        return Map.of("Authorization", basic("admin", ADMIN_PASSWORD));
    }

    String start(String body) throws Exception {
        HttpResponse<String> r = post("/admin/reconcile", body, body.isEmpty() ? null : "application/json", adminAuth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(json(r).path("status").asText()).isEqualTo("running");
        return json(r).path("id").asText();
    }

    JsonNode finished(String id) {
        return finished(id, "finished");
    }

    JsonNode finished(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            HttpResponse<String> r = admin("GET", "/admin/reconcile/" + id);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            last[0] = json(r);
            assertThat(last[0].path("status").asText()).as(r.body() + " after Didomi requests "
                    + didomi.requests().stream().map(q -> q.getMethod() + " " + q.getUrl() + " " + q.getHeader("Authorization")).toList())
                    .isEqualTo(status);
        });
        return last[0];
    }

    JsonNode awaitDelivered(String contact) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            last[0] = json(admin("GET", "/admin/contacts/" + contact + "/events")).path("events");
            assertThat(last[0]).isNotEmpty();
            assertThat(last[0].get(0).path("status").asText()).isEqualTo("delivered");
        });
        return last[0];
    }
}
