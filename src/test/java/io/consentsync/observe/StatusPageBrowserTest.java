package io.consentsync.observe;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The status page in a real headless Chromium: see a dead event, press replay, see it delivered. */
class StatusPageBrowserTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void anOperatorReplaysADeadEventFromThePage() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withBody("{\"errorCode\":\"contacts:badRequest\",\"description\":\"Bad request\"}")));
        String id = accepted(newsletterEvent("evt-page", "page@example.com", false));
        awaitStatus(id, "dead");
        stubPatchAnswers(200);

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

            Locator row = page.locator("#dead tr[data-id='" + id + "']");
            assertThat(row).containsText("HTTP 400 from Dotdigital: contacts:badRequest - Bad request");
            assertThat(page.locator("#count-dead b")).hasText("1");
            assertThat(page.locator("#health")).containsText("Dotdigital: UP");
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/status-page-dead.png")));

            row.locator("button").click();

            assertThat(page.locator("#count-delivered b")).hasText("1");
            assertThat(page.locator("#count-dead b")).hasText("0");
            assertThat(row).hasCount(0);
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/status-page-delivered.png")));
        }
        org.assertj.core.api.Assertions.assertThat(awaitStatus(id, "delivered").path("attempts").asInt()).isEqualTo(2);
    }
}
