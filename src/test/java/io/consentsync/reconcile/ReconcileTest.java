package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.DidomiContract;
import io.consentsync.support.DidomiStub;
import io.consentsync.support.TestLogFile;
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

/**
 * Reconcile runs against a Didomi API stub built from the published docs (sessions, paging, 401 expiry, 429, 503),
 * every request checked against Didomi's OpenAPI files, in update-only mode against the Dotdigital stub.
 */
class ReconcileTest extends ReconcileTestSupport {

    /** The startup summary as shipped (the test kit turns it off): theApiSecretStaysOutOfTheLog reads it. */
    @Override
    protected java.util.Map<String, String> extraProperties() {
        java.util.Map<String, String> properties = new java.util.HashMap<>(super.extraProperties());
        properties.put("camel.main.startup-summary-level", "verbose");
        return properties;
    }

    @Test
    void aDryRunListsWhatWouldBeWrittenAndWritesNothingThenARealRunWritesItOnceAndASecondRunNothing() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        didomi.holds(List.of(
                user("u1", "alice@example.com", true, "news,offers", "2024-06-01T10:00:00.000Z"),
                user("u2", null, true, null, "2024-06-01T10:00:00.000Z"),
                user("u3", "carol@example.com", false, null, "2024-06-01T10:00:00.000Z")));

        JsonNode dry = finished(start("{\"dryRun\": true}"));
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.path("usersRead").asLong()).isEqualTo(3);
        assertThat(dry.path("usersSkipped").asLong()).isEqualTo(1);
        assertThat(dry.path("contactsChanged").asLong()).isEqualTo(2);
        assertThat(dry.path("contactsInSync").asLong()).isZero();
        JsonNode changes = json(admin("GET", "/admin/reconcile/" + dry.path("id").asText() + "/changes?limit=10")).path("changes");
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0).path("organizationUserId").asText()).isEqualTo("alice@example.com");
        assertThat(changes.get(0).path("dataFields").path("NEWSLETTER").path("from").isNull()).isTrue();
        assertThat(changes.get(0).path("dataFields").path("NEWSLETTER").path("to").asBoolean()).isTrue();
        assertThat(changes.get(0).path("dataFields").path("TOPICS").path("to").asText()).isEqualTo("news,offers");
        assertThat(json(admin("GET", "/admin/reconcile/" + dry.path("id").asText() + "/changes?limit=1")).path("changes")).hasSize(1);
        assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching("/contacts/v3/.*")))).as("a dry run writes nothing").isEmpty();
        assertThat(json(admin("GET", "/admin/contacts/alice@example.com/events")).path("events")).isEmpty();

        JsonNode real = finished(start("{}"));
        assertThat(real.path("dryRun").asBoolean()).isFalse();
        assertThat(real.path("contactsChanged").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching("/contacts/v3/email/.*")))).hasSize(2));
        dotdigital.verify(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/alice@example.com"))
                .withRequestBody(matchingJsonPath("$.dataFields.NEWSLETTER", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.dataFields.TOPICS", equalTo("news,offers"))));
        // the audit trail: the reconcile event, delivered, with the user's updated_at as its consent time
        JsonNode history = awaitDelivered("alice@example.com");
        assertThat(history.get(0).path("type").asText()).isEqualTo("reconcile");

        int patches = dotdigital.findAll(patchRequestedFor(urlPathMatching("/contacts/v3/.*"))).size();
        JsonNode again = finished(start(""));
        assertThat(again.path("contactsChanged").asLong()).as("a second run over the same users").isZero();
        assertThat(again.path("contactsInSync").asLong()).isEqualTo(2);
        assertThat(json(admin("GET", "/admin/reconcile/" + again.path("id").asText() + "/changes")).path("changes")).isEmpty();
        assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching("/contacts/v3/.*")))).hasSize(patches);
        assertThat(management("/observe/metrics").body())
                .contains("consent_sync_reconcile_contacts_changed_total 2.0")
                .containsPattern("consent_sync_reconcile_last_success_timestamp_seconds [1-9]");
    }

    /** An identifier a webhook would be refused for is skipped, and the run goes on (it failed the whole run). */
    @Test
    void aUserWhoseIdCouldNeverBeStoredIsSkippedAndTheRunGoesOn() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        String tooLong = "jane.private.person" + "x".repeat(600) + "@example.com";
        didomi.holds(List.of(user("u-long", tooLong, true, null, "2024-06-01T10:00:00.000Z"),
                user("u-nul", "a\u0000b@example.com", true, null, "2024-06-01T10:00:00.000Z"),
                user("u-fine", "fine@example.com", true, null, "2024-06-01T10:00:00.000Z")));

        JsonNode run = finished(start("{\"dryRun\": true}"));

        assertThat(run.path("usersSkipped").asLong()).isEqualTo(2);
        assertThat(run.path("contactsChanged").asLong()).isEqualTo(1);
        assertThat(run.toString()).doesNotContain("jane.private.person");
    }

    @Test
    void aLostWebhookIsRepairedAndANewerWebhookIsNotUndone() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        // both webhooks chose newsletter = true on 2024-05-02 and were written
        awaitStatus(accepted(newsletterEvent("ev-lost", "lost@example.com", true)), "delivered");
        awaitStatus(accepted(newsletterEvent("ev-newer", "newer@example.com", true)), "delivered");
        // Didomi: lost@ withdrew later (the webhook never came); newer@'s listing is older than the webhook written
        didomi.holds(List.of(
                user("u1", "lost@example.com", false, null, "2024-06-01T10:00:00.000Z"),
                user("u2", "newer@example.com", false, null, "2024-04-01T10:00:00.000Z")));

        JsonNode run = finished(start("{}"));
        assertThat(run.path("contactsChanged").asLong()).isEqualTo(1);
        assertThat(run.path("contactsInSync").asLong()).isEqualTo(1);
        JsonNode changes = json(admin("GET", "/admin/reconcile/" + run.path("id").asText() + "/changes")).path("changes");
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).path("organizationUserId").asText()).isEqualTo("lost@example.com");
        assertThat(changes.get(0).path("dataFields").path("NEWSLETTER").path("from").asBoolean()).isTrue();
        assertThat(changes.get(0).path("dataFields").path("NEWSLETTER").path("to").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> dotdigital.verify(
                patchRequestedFor(urlPathEqualTo("/contacts/v3/email/lost@example.com"))
                        .withRequestBody(matchingJsonPath("$.dataFields.NEWSLETTER", equalTo("false")))));
        assertThat(dotdigital.findAll(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/newer@example.com"))))
                .as("only the webhook's write").hasSize(1);
    }

    @Test
    void forceQueuesValuesThatLookInSync() throws Exception {
        stubContactFound("subscribed");
        stubPatchAnswers(200);
        didomi.holds(List.of(user("u1", "force@example.com", true, null, "2024-06-01T10:00:00.000Z")));
        finished(start("{}"));
        awaitDelivered("force@example.com");
        assertThat(finished(start("{}")).path("contactsChanged").asLong()).isZero();

        JsonNode forced = finished(start("{\"force\": true}"));
        assertThat(forced.path("contactsChanged").asLong()).isEqualTo(1);
        JsonNode change = json(admin("GET", "/admin/reconcile/" + forced.path("id").asText() + "/changes"))
                .path("changes").get(0).path("dataFields").path("NEWSLETTER");
        assertThat(change.path("from").asBoolean()).isTrue();
        assertThat(change.path("to").asBoolean()).isTrue();
        // Dotdigital's copy was edited by hand (the lookup shows no value): the forced event writes it again
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                dotdigital.findAll(patchRequestedFor(urlPathEqualTo("/contacts/v3/email/force@example.com")))).hasSize(2));
    }

    @Test
    void aSecondStartWhileARunGoesOnIs409NamingIt() throws Exception {
        didomi.holds(List.of(user("u1", "slow@example.com", true, null, "2024-06-01T10:00:00.000Z")));
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1)
                .willReturn(aResponse().withStatus(503).withFixedDelay(500)));
        String first = start("{\"dryRun\": true}");
        HttpResponse<String> second = post("/admin/reconcile", "{}", "application/json", adminAuth());
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(json(second).path("message").asText()).contains(first);
        assertThat(violations("/admin/reconcile", "POST", second)).isEmpty();
        finished(first, "failed");
    }

    @Test
    void anExpiredToken429And503AreRetriedAndTheRunFinishes() throws Exception {
        didomi.sessionsInTurn(2); // the first session's token is refused (expired): 401, a new session, then pages
        didomi.holds(java.util.stream.IntStream.range(0, 150)
                .mapToObj(i -> user("u" + i, "p" + i + "@example.com", true, null, "2024-06-01T10:00:00.000Z")).toList());
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1).inScenario("faults")
                .whenScenarioStateIs("Started").willSetStateTo("busy")
                .willReturn(aResponse().withStatus(503)));
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1).inScenario("faults")
                .whenScenarioStateIs("busy").willSetStateTo("through")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));

        JsonNode run = finished(start("{\"dryRun\": true}"));
        assertThat(run.path("usersRead").asLong()).as(run + " after " + didomi.requests().stream()
                .map(q -> q.getLoggedDate().getTime() + " " + q.getMethod() + " " + q.getUrl() + " " + q.getHeader("Authorization")).toList())
                .isEqualTo(150);
        assertThat(run.path("contactsChanged").asLong()).isEqualTo(150);
        assertThat(didomi.sessionCalls()).isEqualTo(2);
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> pages =
                didomi.server.findAll(getRequestedFor(urlPathEqualTo("/consents/users")));
        assertThat(pages).hasSize(5); // 503, 429, 401, then two pages of 100 and 50
        assertThat(pages.get(4).queryParameter("$skip").firstValue()).isEqualTo("100");
        assertThat(pages.get(4).queryParameter("regulation[$in]").values()).containsExactly("gdpr");
        assertThat(pages.get(2).getLoggedDate().getTime() - pages.get(1).getLoggedDate().getTime())
                .as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void anotherErrorFailsTheRunWithTheReason() throws Exception {
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1)
                .willReturn(aResponse().withStatus(403).withBody("{\"message\":\"Forbidden organization\"}")));
        JsonNode run = finished(start("{}"), "failed");
        assertThat(run.path("reason").asText()).contains("403").contains("Forbidden organization");
        assertThat(run.path("finishedAt").isNull()).isFalse();
    }

    /** A page too large for the heap, or one that trickles in, fails the run with why (it hung it, found outside). */
    @Test
    void aHugeOrTricklingAnswerFailsTheRunWithTheReason() throws Exception {
        String huge = "{\"total\": 1, \"limit\": 100, \"skip\": 0, \"data\": [{\"id\": \"u\", \"metadata\": {\"x\": \""
                + "y".repeat(300_000) + "\"}}]}";
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(huge)));
        assertThat(finished(start("{}"), "failed").path("reason").asText()).contains("sync.didomi.max-answer-bytes");

        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"total\": 0, \"limit\": 100, \"skip\": 0, \"data\": []}" + " ".repeat(4000))
                        .withChunkedDribbleDelay(8, 4500)));
        assertThat(finished(start("{}"), "failed").path("reason").asText()).contains("sync.didomi.answer-timeout-ms");
    }

    /** A server that ignores $skip and claims a huge total: the run stops with why (it read for ever, found outside). */
    @Test
    void aPageThatNeverAdvancesFailsTheRunWithTheReason() throws Exception {
        didomi.server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                        "{\"total\": 1000000000, \"limit\": 100, \"skip\": 0, \"data\": ["
                                + user("u-same", "same@example.com", true, null, "2024-06-01T10:00:00.000Z") + "]}")));

        JsonNode run = finished(start("{\"dryRun\": true}"), "failed");

        assertThat(run.path("reason").asText()).contains("paging does not advance");
        assertThat(run.path("usersRead").asLong()).isEqualTo(1);
    }

    @Test
    void badOptionsAre400NamingTheField() throws Exception {
        HttpResponse<String> r = post("/admin/reconcile", "{\"dry_run\": true}", "application/json", adminAuth());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("field").asText()).isEqualTo("dry_run");
        r = post("/admin/reconcile", "{\"dryRun\": \"yes\"}", "application/json", adminAuth());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("field").asText()).isEqualTo("dryRun");
        assertThat(admin("GET", "/admin/reconcile/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void theApiSecretStaysOutOfTheLog() throws Exception {
        didomi.holds(List.of(user("u1", "log@example.com", true, null, "2024-06-01T10:00:00.000Z")));
        finished(start("{\"dryRun\": true}"));
        // the startup summary lists every property: the secret's value is masked there
        assertThat(java.nio.file.Files.readString(TestLogFile.PATH))
                .contains("sync.didomi.api-url").doesNotContain(DidomiStub.API_SECRET);
    }

    @Test
    void theAnswersMatchTheAdminApiDocument() throws Exception {
        didomi.holds(List.of(user("u1", "doc@example.com", true, null, "2024-06-01T10:00:00.000Z")));
        HttpResponse<String> started = post("/admin/reconcile", "{\"dryRun\": true, \"organizationUserId\": \"doc@example.com\"}",
                "application/json", adminAuth());
        assertThat(started.statusCode()).isEqualTo(202);
        List<String> problems = new java.util.ArrayList<>(violations("/admin/reconcile", "POST", started));
        String id = json(started).path("id").asText();
        finished(id);
        problems.addAll(violations("/admin/reconcile/" + id, "GET", admin("GET", "/admin/reconcile/" + id)));
        problems.addAll(violations("/admin/reconcile/" + id + "/changes", "GET", admin("GET", "/admin/reconcile/" + id + "/changes")));
        HttpResponse<String> last = admin("GET", "/admin/reconcile");
        assertThat(json(last).path("lastRun").path("id").asText()).isEqualTo(id);
        problems.addAll(violations("/admin/reconcile", "GET", last));
        HttpResponse<String> badLimit = admin("GET", "/admin/reconcile/" + id + "/changes?limit=0");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        problems.addAll(violations("/admin/reconcile/" + id + "/changes", "GET", badLimit));
        assertThat(problems).isEmpty();
        // one user asked for: Didomi's organization_user_id filter
        assertThat(didomi.server.findAll(getRequestedFor(urlPathEqualTo("/consents/users"))).get(0)
                .queryParameter("organization_user_id").firstValue()).isEqualTo("doc@example.com");
    }

    @Test
    void theStatusPageShowsTheLastRunAndWhatADryRunWouldWrite() throws Exception {
        didomi.holds(List.of(user("u1", "page@example.com", true, "news", "2024-06-01T10:00:00.000Z")));
        try (com.microsoft.playwright.Playwright playwright = com.microsoft.playwright.Playwright.create(
                new com.microsoft.playwright.Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             com.microsoft.playwright.Browser browser = playwright.chromium().launch(
                     new com.microsoft.playwright.BrowserType.LaunchOptions()
                             .setExecutablePath(java.nio.file.Path.of("/usr/bin/chromium")).setHeadless(true)
                             .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                     "--disable-component-update", "--disable-sync", "--no-first-run")));
             com.microsoft.playwright.BrowserContext session = browser.newContext(
                     new com.microsoft.playwright.Browser.NewContextOptions().setHttpCredentials("admin", ADMIN_PASSWORD))) {
            com.microsoft.playwright.Page page = session.newPage();
            page.navigate("http://127.0.0.1:" + port + "/");
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator("#reconcile-last"))
                    .containsText("No run yet");
            page.locator("#reconcile-dry-run").click();
            com.microsoft.playwright.Locator rows = page.locator("#reconcile-changes tr[data-contact='page@example.com']");
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(rows).hasCount(2);
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(rows.first()).containsText("NEWSLETTER");
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(rows.first()).containsText("true");
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator("#reconcile-last"))
                    .containsText("Last run (dry run): finished");
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(java.nio.file.Path.of("target/status-page-reconcile.png")));
        }
        assertThat(dotdigital.findAll(patchRequestedFor(urlPathMatching("/contacts/v3/.*")))).isEmpty();
    }

    private static List<String> violations(String path, String method, HttpResponse<String> r) throws Exception {
        com.atlassian.oai.validator.model.SimpleResponse.Builder response =
                com.atlassian.oai.validator.model.SimpleResponse.Builder.status(r.statusCode()).withBody(r.body());
        r.headers().map().forEach(response::withHeader);
        com.atlassian.oai.validator.report.ValidationReport report = com.atlassian.oai.validator.OpenApiInteractionValidator
                .createForInlineApiSpecification(java.nio.file.Files.readString(java.nio.file.Path.of("routes/admin-api.openapi.json")))
                .build().validateResponse(path, com.atlassian.oai.validator.model.Request.Method.valueOf(method), response.build());
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == com.atlassian.oai.validator.report.ValidationReport.Level.ERROR)
                .map(m -> method + " " + path + " " + r.statusCode() + ": " + m.getMessage()).toList();
    }

    // ---- helpers ----

}
