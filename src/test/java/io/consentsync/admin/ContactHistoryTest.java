package io.consentsync.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/** The per-contact audit trail, its CSV export, and bulk replay with its count. */
class ContactHistoryTest extends ConnectorTestSupport {

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void listsEveryEventOfAContactWithWhatWasWrittenAndDotdigitalsAnswer() throws Exception {
        stubPatchAnswers(201);
        String first = accepted(newsletterEvent("evt-h1", "a+history@example.com", true)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-01T08:00:00Z"));
        awaitStatus(first, "delivered");
        String second = accepted(newsletterEvent("evt-h2", "A+History@example.com", false));
        awaitStatus(second, "delivered");
        String other = accepted(newsletterEvent("evt-h3", "someone-else@example.com", false));
        awaitStatus(other, "delivered");

        HttpResponse<String> r = admin("GET", "/admin/contacts/a%2Bhistory%40example.com/events");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode events = json(r).path("events");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).path("id").asText()).isEqualTo(first);
        assertThat(events.get(0).path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":true}");
        assertThat(events.get(0).path("lastResponseCode").asInt()).isEqualTo(201);
        assertThat(events.get(0).path("consentTime").asText()).isEqualTo("2024-05-01T08:00:00Z");
        assertThat(events.get(1).path("id").asText()).isEqualTo(second);
        assertThat(events.get(1).path("dataFieldsWritten").toString()).isEqualTo("{\"NEWSLETTER\":false}");
        assertThat(events.get(1).path("status").asText()).isEqualTo("delivered");
        assertThat(r.body()).doesNotContain(DOTDIGITAL_PASSWORD);
    }

    @Test
    void theCsvExportIsTheTimelineNewestFirstAndAStaleEventNamesTheNewerOne() throws Exception {
        stubPatchAnswers(200);
        String newer = accepted(newsletterEvent("evt-csv-new", "csv@example.com", false)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T10:00:00Z"));
        awaitStatus(newer, "delivered");
        String older = accepted(newsletterEvent("evt-csv-old", "csv@example.com", true)
                .replace("2024-05-02T09:15:00.000Z", "2024-05-02T09:00:00Z"));
        awaitStatus(older, "stale");

        JsonNode events = json(admin("GET", "/admin/contacts/csv%40example.com/events")).path("events");
        assertThat(events.get(0).path("didomiSaid").toString()).isEqualTo(
                "{\"consents_purposes_newsletter_enabled\":true,\"consents_purposes_marketing_values_topics_value\":null}");
        assertThat(events.get(0).path("replayable").asBoolean()).isFalse();
        assertThat(events.get(1).path("reasonCode").asText()).isEqualTo("ok");

        HttpResponse<String> r = admin("GET", "/admin/contacts/csv%40example.com/events.csv");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<CSVRecord> rows;
        try (CSVParser parser = CSVParser.parse(r.body(), CSVFormat.RFC4180.builder().setHeader().get())) {
            assertThat(parser.getHeaderNames()).containsExactly("event_id", "type", "consent_time", "received_at",
                    "status", "reason_code", "reason", "dotdigital_response_code", "attempts", "regulation",
                    "didomi_said", "data_fields_written", "updated_at");
            rows = parser.getRecords();
        }
        assertThat(rows).hasSize(2);
        CSVRecord first = rows.get(0); // newest consent first
        assertThat(first.get("event_id")).isEqualTo(newer);
        assertThat(first.get("status")).isEqualTo("delivered");
        assertThat(first.get("consent_time")).isEqualTo("2024-05-02T10:00:00Z");
        assertThat(first.get("dotdigital_response_code")).isEqualTo("200");
        assertThat(first.get("didomi_said")).isEqualTo(
                "{\"consents_purposes_newsletter_enabled\":false,\"consents_purposes_marketing_values_topics_value\":null}");
        assertThat(first.get("data_fields_written")).isEqualTo("{\"NEWSLETTER\":false}");
        CSVRecord second = rows.get(1);
        assertThat(second.get("event_id")).isEqualTo(older);
        assertThat(second.get("status")).isEqualTo("stale");
        assertThat(second.get("reason_code")).isEqualTo("newer_choice_applied");
        assertThat(second.get("reason")).contains(newer); // the newer event that stands
        assertThat(second.get("data_fields_written")).isEmpty();

        HttpResponse<String> nobody = admin("GET", "/admin/contacts/nobody%40example.com/events.csv");
        assertThat(nobody.body().strip()).isEqualTo(String.join(",", ContactTimeline.CSV_COLUMNS));
    }

    @Test
    void aLongHistoryAnswersOnlyTheNewestLimitEventsAndSaysSo() throws Exception {
        stubPatchAnswers(200);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(accepted(newsletterEvent("evt-long-" + i, "long.history@example.com", i % 2 == 0)
                    .replace("2024-05-02T09:15:00.000Z", "2024-05-0" + i + "T08:00:00Z")));
        }

        HttpResponse<String> r = admin("GET", "/admin/contacts/long.history%40example.com/events?limit=3");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = json(r);
        assertThat(answer.path("events")).extracting(e -> e.path("id").asText())
                .as("the newest three, in consent order").containsExactlyElementsOf(ids.subList(2, 5));
        assertThat(answer.path("truncated").asBoolean()).isTrue();
        assertThat(answer.path("total").asInt()).isEqualTo(5);
        assertThat(answer.path("limit").asInt()).isEqualTo(3);

        JsonNode all = json(admin("GET", "/admin/contacts/long.history%40example.com/events"));
        assertThat(all.path("events")).hasSize(5);
        assertThat(all.path("truncated").asBoolean()).isFalse();
        assertThat(all.path("total").asInt()).isEqualTo(5);
        assertThat(all.path("limit").asInt()).isEqualTo(500);

        HttpResponse<String> csv = admin("GET", "/admin/contacts/long.history%40example.com/events.csv?limit=3");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        try (CSVParser parser = CSVParser.parse(csv.body(), CSVFormat.RFC4180.builder().setHeader().get())) {
            assertThat(parser.getRecords()).extracting(row -> row.get("event_id"))
                    .as("the same rows as the JSON, newest first").containsExactly(ids.get(4), ids.get(3), ids.get(2));
        }

        // a sign, a space, Arabic-Indic and fullwidth digits: Java's parseInt took them (found outside)
        for (String bad : List.of("0", "5001", "abc", "-1", "2.5", "%2B5", "%205", "%D9%A3", "%EF%BC%95")) {
            for (String suffix : List.of("events", "events.csv")) {
                HttpResponse<String> refused = admin("GET", "/admin/contacts/long.history%40example.com/" + suffix
                        + "?limit=" + bad);
                assertThat(refused.statusCode()).as(suffix + "?limit=" + bad + ": " + refused.body()).isEqualTo(400);
                assertThat(json(refused).path("field").asText()).isEqualTo("limit");
            }
        }
    }

    @Test
    void aCsvCellASpreadsheetWouldRunAsAFormulaIsQuoted() {
        assertThat(ContactTimeline.cell("=HYPERLINK(\"http://x\")")).isEqualTo("'=HYPERLINK(\"http://x\")");
        assertThat(ContactTimeline.cell("+1")).isEqualTo("'+1");
        assertThat(ContactTimeline.cell("@a")).isEqualTo("'@a");
        assertThat(ContactTimeline.cell("a=b")).isEqualTo("a=b");
        assertThat(ContactTimeline.cell(null)).isEmpty();
    }

    @Test
    void bulkReplayKeepsAReasonAlreadyAtItsFullLength() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withBody("{\"errorCode\":\"contacts:badRequest\",\"description\":\"" + "x".repeat(2100) + "\"}")));
        String id = accepted(newsletterEvent("evt-long", "long@example.com", true));
        awaitStatus(id, "dead");
        stubPatchAnswers(200);

        HttpResponse<String> r = admin("POST", "/admin/events/replay?status=dead");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("replayed").asInt()).isEqualTo(1);
        awaitStatus(id, "delivered");
    }

    @Test
    void replaysEveryDeadEventSinceAGivenTime() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400).withBody("{\"errorCode\":\"contacts:badRequest\"}")));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(accepted(newsletterEvent("evt-bulk-" + i, "bulk" + i + "@example.com", true)));
        }
        for (String id : ids) {
            awaitStatus(id, "dead");
        }
        stubPatchAnswers(200);

        // the page's confirmation asks first: the count is what the replay then takes
        HttpResponse<String> count = admin("GET", "/admin/events/replay/count?status=dead&since=2020-01-01T00:00:00Z");
        assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
        assertThat(json(count).path("count").asInt()).isEqualTo(3);
        assertThat(json(admin("GET", "/admin/events/replay/count?status=dead&since=2999-01-01T00:00:00Z")).path("count").asInt())
                .isZero();
        HttpResponse<String> badCount = admin("GET", "/admin/events/replay/count?status=pending");
        assertThat(badCount.statusCode()).isEqualTo(400);
        assertThat(json(badCount).path("field").asText()).isEqualTo("status");

        HttpResponse<String> future = admin("POST", "/admin/events/replay?status=dead&since=2999-01-01T00:00:00Z");
        assertThat(json(future).path("replayed").asInt()).isZero();
        HttpResponse<String> r = admin("POST", "/admin/events/replay?status=dead&since=2020-01-01T00:00:00Z");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("replayed").asInt()).isEqualTo(3);
        for (String id : ids) {
            awaitStatus(id, "delivered");
        }
        assertThat(admin("POST", "/admin/events/replay?status=delivered").statusCode()).isEqualTo(400);
        HttpResponse<String> badSince = admin("POST", "/admin/events/replay?status=dead&since=yesterday");
        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(json(badSince).path("field").asText()).isEqualTo("since");
    }
}
