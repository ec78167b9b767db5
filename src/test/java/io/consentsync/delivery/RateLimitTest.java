package io.consentsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** 429s and an exhausted allowance pause the whole client as Dotdigital's headers say; no event ends dead. */
class RateLimitTest extends ConnectorTestSupport {

    @Override
    protected java.util.Map<String, String> extraProperties() {
        // one call at a time: WireMock scenarios (the 429 sequence) are not safe under concurrent requests
        return java.util.Map.of("sync.delivery.concurrency", "1");
    }

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void aRunOf429sWithResetHeadersEndsWithEveryEventDelivered() throws Exception {
        String state = Scenario.STARTED;
        for (int i = 1; i <= 3; i++) {
            dotdigital.stubFor(contactPatch().inScenario("limited").whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(429).withHeader("x-ratelimit-limit", "35")
                            .withHeader("x-ratelimit-remaining", "0").withHeader("x-ratelimit-reset", "1")
                            .withBody("{\"errorCode\":\"tooManyRequests\"}"))
                    .willSetStateTo("limited-" + i));
            state = "limited-" + i;
        }
        dotdigital.stubFor(contactPatch().inScenario("limited").whenScenarioStateIs(state).willReturn(okJson("{}")));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(accepted(newsletterEvent("evt-rl-" + i, "rl" + i + "@example.com", i % 2 == 0)));
        }

        for (String id : ids) {
            JsonNode event = awaitStatus(id, "delivered");
            assertThat(event.path("attempts").asInt()).isEqualTo(1); // a 429 is not a spent attempt
        }
        assertThat(json(admin("GET", "/admin/events?status=dead"))).isEmpty();
        dotdigital.verify(13, patchRequestedFor(urlPathMatching(".*")));
        JsonNode pause = json(admin("GET", "/admin/rate-limit"));
        assertThat(pause.path("pausesSinceStart").asLong()).isBetween(1L, 3L);
        assertThat(pause.path("paused").asBoolean()).isFalse();
    }

    @Test
    void anExhaustedAllowancePausesBeforeTheNextCallUntilTheResetTime() throws Exception {
        long resetEpochSeconds = System.currentTimeMillis() / 1000 + 3;
        dotdigital.stubFor(contactPatch().willReturn(okJson("{}").withHeader("x-ratelimit-remaining", "0")
                .withHeader("x-ratelimit-reset", String.valueOf(resetEpochSeconds))));

        awaitStatus(accepted(newsletterEvent("evt-last-call", "last@example.com", true)), "delivered");
        JsonNode pause = json(admin("GET", "/admin/rate-limit"));
        assertThat(pause.path("paused").asBoolean()).isTrue();
        assertThat(pause.path("reason").asText()).isEqualTo("x-ratelimit-remaining is 0");

        awaitStatus(accepted(newsletterEvent("evt-next-call", "next@example.com", true)), "delivered");
        LoggedRequest next = dotdigital.findAll(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/next@example.com"))).stream()
                .max(Comparator.comparing(LoggedRequest::getLoggedDate)).orElseThrow();
        assertThat(next.getLoggedDate().getTime()).isGreaterThanOrEqualTo(resetEpochSeconds * 1000);
    }

    @Test
    void retryAfterWinsOverTheResetHeader() throws Exception {
        dotdigital.stubFor(contactPatch().inScenario("retry-after").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("x-ratelimit-reset", "3600"))
                .willSetStateTo("open"));
        dotdigital.stubFor(contactPatch().inScenario("retry-after").whenScenarioStateIs("open").willReturn(okJson("{}")));

        String id = accepted(newsletterEvent("evt-retry-after", "ra@example.com", true));

        awaitStatus(id, "delivered"); // within the 15 s wait: the one-hour reset header was not used
    }

    /** The HTTP client reads the headers of every answer, not only the write's: here GET /v2/data-fields. */
    @Test
    void anExhaustedAllowanceOnTheDataFieldReadPausesToo() throws Exception {
        long resetEpochSeconds = System.currentTimeMillis() / 1000 + 3;
        dotdigital.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/v2/data-fields"))
                .willReturn(okJson("""
                        [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null}]
                        """).withHeader("x-ratelimit-remaining", "0")
                        .withHeader("x-ratelimit-reset", String.valueOf(resetEpochSeconds))));
        stubPatchAnswers(200);

        awaitStatus(accepted(newsletterEvent("evt-fields-limit", "fields-limit@example.com", true)), "delivered");

        JsonNode pause = json(admin("GET", "/admin/rate-limit"));
        assertThat(pause.path("paused").asBoolean()).isTrue();
        assertThat(pause.path("reason").asText()).isEqualTo("x-ratelimit-remaining is 0");
    }
}
