package io.consentsync.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.config.IntegrationConfig;
import io.consentsync.didomi.ConsentValues;
import io.consentsync.didomi.DidomiEvent;
import io.consentsync.http.QueryParameters;
import io.consentsync.store.EventQueries;
import io.consentsync.store.StoredEvent;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One person's consent story for support and auditors: every event newest first, what Didomi said under each mapped
 * key, what was written, and the outcome with Dotdigital's answer. The status page draws it; the CSV export is the
 * same rows.
 */
public class ContactTimeline {

    /** The CSV columns, in their stable order (documented in docs/http-api.md). */
    static final List<String> CSV_COLUMNS = List.of("event_id", "type", "consent_time", "received_at", "status",
            "reason_code", "reason", "dotdigital_response_code", "attempts", "regulation", "didomi_said",
            "data_fields_written", "updated_at");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventQueries queries;
    private final Supplier<IntegrationConfig> config;

    public ContactTimeline(EventQueries queries, Supplier<IntegrationConfig> config) {
        this.queries = queries;
        this.config = config;
    }

    /** How many events one timeline answer (JSON or CSV) holds when the request names no {@code limit}. */
    public static final int DEFAULT_LIMIT = 500;
    /** The most events one timeline answer may hold: what one request keeps in memory is bounded by it. */
    public static final int MAX_LIMIT = 5000;

    /**
     * The query parameter {@code limit}: {@link #DEFAULT_LIMIT} when absent, a whole number from 1 to
     * {@link #MAX_LIMIT} otherwise (400 naming {@code limit}).
     */
    public static int limit(String limit) {
        return QueryParameters.limit(limit, DEFAULT_LIMIT, MAX_LIMIT, "invalid_parameter");
    }

    /**
     * The newest {@code limit} events stored under a contact key (or, for an erased person, under its keyed hash), in
     * consent order (oldest first, as the store orders them), each as the admin API shows it plus {@code didomiSaid}
     * and {@code replayable}: {@code total} (every event stored under the key), {@code limit},
     * {@code truncated} (true when older events were left out) and {@code events}.
     */
    public Map<String, Object> newest(String contactKey, int limit) {
        List<Map<String, Object>> rows = events(contactKey, limit);
        long total = rows.size() < limit ? rows.size() : Math.max(rows.size(), queries.countByContact(contactKey));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", total);
        answer.put("limit", limit);
        answer.put("truncated", total > rows.size());
        answer.put("events", rows);
        return answer;
    }

    /** The newest {@code limit} events stored under a contact key, oldest first. */
    private List<Map<String, Object>> events(String contactKey, int limit) {
        IntegrationConfig cfg = config.get();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StoredEvent e : queries.listNewestByContact(contactKey, limit)) {
            Map<String, Object> row = e.view();
            row.put("didomiSaid", didomiSaid(e, cfg));
            row.put("replayable", e.status().isReplayable() && e.payload() != null); // retention may have dropped the body
            rows.add(row);
        }
        return rows;
    }

    /** Timeline rows (oldest first, as {@link #events} gives them) as CSV, newest first. */
    public String csv(List<Map<String, Object>> events) {
        List<Map<String, Object>> rows = new ArrayList<>(events);
        java.util.Collections.reverse(rows);
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                .setHeader(CSV_COLUMNS.toArray(String[]::new)).get())) {
            for (Map<String, Object> row : rows) {
                printer.printRecord(cell(row.get("id")), cell(row.get("type")), cell(row.get("consentTime")),
                        cell(row.get("receivedAt")), cell(row.get("status")), cell(row.get("reasonCode")),
                        cell(row.get("reason")), cell(row.get("lastResponseCode")), cell(row.get("attempts")),
                        cell(row.get("regulation")), json(row.get("didomiSaid")), json(row.get("dataFieldsWritten")),
                        cell(row.get("updatedAt")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Mapped Didomi key to the value the event carried (null for a null choice or a key it did not carry); null when
     * the event has no body any more or it cannot be read.
     */
    private static Map<String, Object> didomiSaid(StoredEvent e, IntegrationConfig cfg) {
        if (e.payload() == null) {
            return null;
        }
        ConsentValues values;
        try {
            values = new ConsentValues(new DidomiEvent(JSON.readTree(e.payload())));
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
        Map<String, Object> said = new LinkedHashMap<>();
        for (String key : cfg.didomiKeys()) {
            said.put(key, values.resolve(key).orElse(null));
        }
        return said;
    }

    private static String json(Object value) {
        try {
            return value == null ? "" : JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A cell a spreadsheet will not run: text starting with = + - @ or a control character gets a leading
     * apostrophe (OWASP's advice against CSV injection; a user id is whatever the website sent).
     */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            return "'" + text;
        }
        return text;
    }
}
