package io.consentsync.observe;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page in a real headless Chromium (Debian's): replay a dead event, a person's consent story from a deep
 * link, the pipeline chart after a burst, the bulk replay's confirmation with its count, by keyboard, at 200% zoom.
 */
class StatusPageBrowserTest extends ConnectorTestSupport {

    private Playwright playwright;
    private Browser browser;
    private BrowserContext session;

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @BeforeEach
    void openBrowser() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run")));
    }

    @AfterEach
    void closeBrowser() {
        if (session != null) {
            session.close();
        }
        browser.close();
        playwright.close();
    }

    /** A logged-in page on a screen of this size (CSS pixels). */
    private Page page(int width, int height) {
        session = browser.newContext(new Browser.NewContextOptions().setHttpCredentials("admin", ADMIN_PASSWORD)
                .setViewportSize(width, height));
        return session.newPage();
    }

    @Test
    void anOperatorReplaysADeadEventFromThePage() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withBody("{\"errorCode\":\"contacts:badRequest\",\"description\":\"Bad request\"}")));
        String id = accepted(newsletterEvent("evt-page", "page@example.com", false));
        awaitStatus(id, "dead");
        stubPatchAnswers(200);

        Page page = page(1280, 800);
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
        assertThat(awaitStatus(id, "delivered").path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aDeepLinkShowsAPersonsTimelineNewestFirstWithTheStaleEventNamingTheNewerOne() throws Exception {
        stubPatchAnswers(200);
        String newer = accepted(newsletterEvent("evt-story-new", "story@example.com", false)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T10:00:00Z"));
        awaitStatus(newer, "delivered");
        String older = accepted(newsletterEvent("evt-story-old", "story@example.com", true)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T09:00:00Z"));
        awaitStatus(older, "stale");

        Page page = page(1280, 800);
        page.navigate("http://127.0.0.1:" + port + "/?contact=story%40example.com");

        Locator rows = page.locator("#timeline tr");
        assertThat(rows).hasCount(2);
        Locator first = rows.nth(0);
        assertThat(first).hasAttribute("data-id", newer);
        assertThat(first).containsText("2024-05-02T10:00:00Z");
        assertThat(first).containsText("consents_purposes_newsletter_enabled: false");
        assertThat(first).containsText("NEWSLETTER: false");
        assertThat(first).containsText("delivered");
        assertThat(first).containsText("HTTP 200");
        Locator second = rows.nth(1);
        assertThat(second).hasAttribute("data-id", older);
        assertThat(second).containsText("consents_purposes_newsletter_enabled: true");
        assertThat(second).containsText("stale");
        assertThat(second).containsText(newer); // the newer event that stands
        assertThat(page.locator("#contact-csv")).hasAttribute("href", "/admin/contacts/story%40example%2Ecom/events.csv");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/status-page-contact.png")));
    }

    @Test
    void aTimelineLongerThanTheLimitSaysItShowsOnlyTheNewest() throws Exception {
        stubPatchAnswers(200);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(accepted(newsletterEvent("evt-trunc-" + i, "trunc@example.com", i % 2 == 0)
                    .replace("2024-05-02T09:15:00.000Z", "2024-05-0" + i + "T08:00:00Z")));
        }

        Page page = page(1280, 800);
        page.navigate("http://127.0.0.1:" + port + "/?contact=trunc%40example.com&limit=2");

        Locator rows = page.locator("#timeline tr");
        assertThat(rows).hasCount(2);
        assertThat(rows.nth(0)).hasAttribute("data-id", ids.get(2));
        assertThat(rows.nth(1)).hasAttribute("data-id", ids.get(1));
        assertThat(page.locator("#contact-summary")).containsText("Showing the newest 2 of 3 events for trunc@example.com");
        assertThat(page.locator("#contact-csv")).hasAttribute("href", "/admin/contacts/trunc%40example%2Ecom/events.csv?limit=2");
    }

    @Test
    void theSearchWorksByKeyboardAndDataIsShownAsTextNeverAsHtml() throws Exception {
        stubPatchAnswers(200);
        String hostile = "<img src=x id=injected>@example.com";
        String id = accepted(newsletterEvent("evt-hostile", hostile, true));
        awaitStatus(id, "delivered");

        Page page = page(1280, 800);
        page.navigate("http://127.0.0.1:" + port + "/");
        for (int i = 0; i < 20 && !"contact-id".equals(page.evaluate("document.activeElement.id")); i++) {
            page.keyboard().press("Tab");
        }
        assertThat(page.evaluate("document.activeElement.id")).as("the search field is reachable by Tab").isEqualTo("contact-id");
        page.keyboard().type(hostile);
        page.keyboard().press("Enter");

        assertThat(page.locator("#timeline tr[data-id='" + id + "']")).containsText("delivered");
        assertThat(page.locator("#contact-summary")).containsText(hostile);
        assertThat(page.locator("#injected")).hasCount(0);
        assertThat(page.url()).endsWith("/?contact=" + java.net.URLEncoder.encode(hostile, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20"));
    }

    @Test
    void theChartShowsABurstAndThePageFitsAt200PercentZoom() throws Exception {
        stubPatchAnswers(200);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(accepted(newsletterEvent("evt-burst-" + i, "burst" + i + "@example.com", i % 2 == 0)));
        }
        for (String id : ids) {
            awaitStatus(id, "delivered");
        }

        Page page = page(640, 400); // a 1280×800 screen at 200% zoom
        page.navigate("http://127.0.0.1:" + port + "/");

        Locator received = page.locator("#chart-hour polyline[data-series='received']");
        assertThat(received).hasAttribute("data-total", "12");
        assertThat(page.locator("#chart-hour polyline[data-series='delivered']")).hasAttribute("data-total", "12");
        assertThat(page.locator("#chart-hour polyline[data-series='dead']")).hasAttribute("data-total", "0");
        assertThat(page.locator("#chart-day polyline[data-series='received']")).hasAttribute("data-total", "12");
        assertThat(page.locator("#chart-hour svg")).hasAttribute("aria-label",
                java.util.regex.Pattern.compile("Last hour: 12 received, 12 delivered, 0 dead; 0 waiting now"));
        assertThat(received.getAttribute("data-max")).isNotEqualTo("0"); // a line with a peak, not flat
        page.navigate("http://127.0.0.1:" + port + "/?contact=burst0%40example.com");
        assertThat(page.locator("#timeline tr")).hasCount(1);
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/status-page-zoom.png")).setFullPage(true));
        Object overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).intValue()).as("no sideways scrolling at 200%").isLessThanOrEqualTo(0);
    }

    @Test
    void bulkReplayAsksWithTheCountFirst() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withBody("{\"errorCode\":\"contacts:badRequest\",\"description\":\"Bad request\"}")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(accepted(newsletterEvent("evt-bulk-page-" + i, "bulkpage" + i + "@example.com", true)));
        }
        for (String id : ids) {
            awaitStatus(id, "dead");
        }
        stubPatchAnswers(200);

        Page page = page(1280, 800);
        page.navigate("http://127.0.0.1:" + port + "/");
        page.locator("#replay-since").fill("2020-01-01T00:00");
        page.locator("#replay-all-check").click();

        assertThat(page.locator("#replay-confirm")).isVisible();
        assertThat(page.locator("#replay-confirm-text")).containsText("3 dead event(s) since");
        assertThat(page.locator("#count-dead b")).hasText("3"); // nothing replayed before the confirmation
        page.locator("#replay-all-confirm").click();

        assertThat(page.locator("#replay-result")).hasText("3 event(s) replayed.");
        for (String id : ids) {
            awaitStatus(id, "delivered");
        }
        assertThat(page.locator("#count-dead b")).hasText("0");
    }
}
