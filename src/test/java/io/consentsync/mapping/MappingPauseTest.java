package io.consentsync.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A mapped data field Dotdigital lacks pauses delivery, not intake: readiness stays UP, /observe/health names the
 * field (so do the metric and the status page, in a real Chromium), events wait, and once the field exists they are
 * delivered without a restart.
 */
class MappingPauseTest extends ConnectorTestSupport {

    private static final String FIELDS_WITHOUT_SMS = """
            [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null}]""";
    private static final String FIELDS_WITH_SMS = """
            [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null},
             {"name": "SMS_OK", "type": "Boolean", "visibility": "Private", "defaultValue": null}]""";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.mapping-check.initial-delay-ms", "100", "sync.mapping-check.problem-interval-ms", "300");
    }

    @Override
    protected String integration() {
        return """
                {"type_id": "dotdigital",
                 "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "mappings": [
                   {"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "SMS_OK", "value": "consents_channels_sms_enabled"}
                 ],
                 "upsert_mode": true}
                """.formatted(dotdigital.baseUrl());
    }

    @Override
    protected void stubDataFields() {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(FIELDS_WITHOUT_SMS)));
    }

    @Test
    void aMissingFieldPausesDeliveryUntilItExists() throws Exception {
        stubPatchAnswers(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> health = management("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"name\":\"dotdigital-mapping\",\"status\":\"DOWN\"")
                    .contains("data field SMS_OK (mapped from consents_channels_sms_enabled) does not exist in Dotdigital");
        });
        HttpResponse<String> ready = management("/observe/health/ready");
        assertThat(ready.statusCode()).as("a mapping problem never stops intake: " + ready.body()).isEqualTo(200);

        String id = accepted(consentEvent("evt-paused", "paused@example.com", "[{\"id\": \"newsletter\", \"enabled\": true}]")
                .replace("\"channels\": []", "\"channels\": [{\"id\": \"sms\", \"enabled\": true}]"));
        String other = accepted(newsletterEvent("evt-paused-2", "paused2@example.com", false));

        // paused: both wait (neither dead), nothing is written; the metric and the status page say why
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(pausedGauge()).isEqualTo(1.0));
        JsonNode summary = json(admin("GET", "/admin/summary"));
        JsonNode pause = summary.path("deliveryPauses").path(0);
        assertThat(pause.path("reason").asText()).isEqualTo("mapping");
        assertThat(pause.path("message").asText()).contains("SMS_OK");
        assertThat(pause.path("since").asText()).isNotEmpty();
        for (String waiting : new String[] {id, other}) {
            assertThat(json(admin("GET", "/admin/events/" + waiting)).path("status").asText()).isIn("pending", "retrying");
        }
        dotdigital.verify(0, patchRequestedFor(urlPathMatching(".*")));
        statusPageShowsThePause();

        // the field is created in Dotdigital: the next check finds it and delivery resumes by itself
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(FIELDS_WITH_SMS)));
        awaitStatus(id, "delivered");
        awaitStatus(other, "delivered");
        dotdigital.verify(1, patchRequestedFor(urlPathMatching("/contacts/v3/email/paused@example.com"))
                .withRequestBody(equalToJson("""
                        {"identifiers": {"email": "paused@example.com"}, "dataFields": {"NEWSLETTER": true, "SMS_OK": true}}""")));
        assertThat(pausedGauge()).isEqualTo(0.0);
        assertThat(json(admin("GET", "/admin/summary")).path("deliveryPauses").size()).isZero();
        assertThat(management("/observe/health").body()).contains("{\"name\":\"dotdigital-mapping\",\"status\":\"UP\"");
    }

    private void statusPageShowsThePause() {
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync", "--no-first-run")));
             BrowserContext session = browser.newContext(new Browser.NewContextOptions()
                     .setHttpCredentials("admin", ADMIN_PASSWORD))) {
            Page page = session.newPage();
            page.navigate("http://127.0.0.1:" + port + "/");
            Locator pause = page.locator("#delivery-pauses [data-reason='mapping']");
            PlaywrightAssertions.assertThat(pause).containsText("Delivery paused (mapping) since ");
            PlaywrightAssertions.assertThat(pause).containsText("SMS_OK");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/status-page-mapping-pause.png")));
        }
    }

    private double pausedGauge() throws Exception {
        Matcher m = Pattern.compile("(?m)^consent_sync_delivery_paused\\{reason=\"mapping\",?} (\\S+)$")
                .matcher(management("/observe/metrics").body());
        assertThat(m.find()).as("gauge consent_sync_delivery_paused{reason=\"mapping\"}").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
