package io.consentsync.intake;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the connector stops (a write still in flight holds the graceful shutdown open), a webhook is answered 202
 * before the stop and 503 with Retry-After (and a JSON body) after it, until the server closes: never a 503 without
 * Retry-After or a 404 page, which Didomi need not retry (found outside).
 */
class WebhookWhileStoppingTest extends ConnectorTestSupport {

    @Test
    void aWebhookDuringTheStopIsAnswered503WithRetryAfterUntilTheServerCloses() throws Exception {
        stubContactFound("subscribed");
        dotdigital.stubFor(contactPatch().willReturn(okJson("{\"contactId\": 42}").withFixedDelay(4000)));
        accepted(newsletterEvent("evt-slow", "slow@example.com", true));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/.*"))));

        Thread stop = new Thread(context::stop, "stop-the-connector");
        stop.start();
        List<String> answers = new ArrayList<>();
        for (int i = 0; stop.isAlive(); i++) {
            try {
                HttpResponse<String> r = postWebhook(newsletterEvent("evt-stop-" + i, "stop" + i + "@example.com", true));
                answers.add(r.statusCode() + " " + r.headers().firstValue("Retry-After").orElse("-") + " " + r.body());
            } catch (IOException closed) {
                break; // the server has closed: a sender sees a refused connection, and retries
            }
            Thread.sleep(20);
        }
        stop.join();

        assertThat(answers).as("answers during the stop").anyMatch(a -> a.startsWith("503 "));
        // a request that passed the stop check an instant before the stop began may meet Camel's suspended route: its
        // bare 503 then carries Retry-After too
        assertThat(answers).allSatisfy(a -> assertThat(a).matches("(202 - .*\"status\":\"accepted\".*)|"
                + "(503 30 \\{\"error\":\"shutting_down\",.*)|(503 30 )"));
        // once refused, never accepted again in the same stop
        assertThat(answers.subList(answers.indexOf(answers.stream().filter(a -> a.startsWith("503")).findFirst().orElseThrow()),
                answers.size())).allMatch(a -> a.startsWith("503 "));
    }
}
