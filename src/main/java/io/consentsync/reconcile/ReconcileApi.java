package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.http.QueryParameters;
import io.consentsync.http.RejectedRequestException;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin operations on reconcile runs: start one ({@code POST /admin/reconcile}), read one and what it found. The
 * run itself goes on in the background (route {@code reconcile-with-didomi}).
 */
public class ReconcileApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OPTIONS = Set.of("dryRun", "force", "organizationUserId");
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final DidomiSettings settings;
    private final ReconcileRuns runs;

    public ReconcileApi(DidomiSettings settings, ReconcileRuns runs) {
        this.settings = settings;
        this.runs = runs;
    }

    /**
     * Starts a run from the optional JSON body {@code {"dryRun","force","organizationUserId"}}: 400 naming the missing
     * {@code sync.didomi.*} setting or the bad field, 409 naming the run that goes on.
     */
    public ReconcileRun start(String body) {
        String missing = settings.missingSetting();
        if (missing != null) {
            throw new RejectedRequestException(400, "not_configured", missing,
                    missing + " is not set: the Didomi API is not configured (see docs/configuration.md)");
        }
        JsonNode options = parse(body);
        boolean dryRun = bool(options, "dryRun");
        boolean force = bool(options, "force");
        JsonNode user = options.path("organizationUserId");
        if (!user.isMissingNode() && !user.isNull() && (!user.isTextual() || user.asText().isBlank())) {
            throw new RejectedRequestException(400, "invalid_request", "organizationUserId",
                    "organizationUserId must be a non-empty string");
        }
        return runs.open(dryRun, force, user.isTextual() ? user.asText() : null);
    }

    /** Scheduled runs: real, not forced, every user. */
    public ReconcileRun startScheduled() {
        return runs.open(false, false, null);
    }

    /** The answer to a start: {@code {"id","status":"running","dryRun"}}. */
    public Map<String, Object> started(ReconcileRun run) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", run.id());
        answer.put("status", "running");
        answer.put("dryRun", run.dryRun());
        return answer;
    }

    public Map<String, Object> get(String id) {
        return runs.view(id).orElseThrow(() -> notFound(id));
    }

    public Map<String, Object> changes(String id, String limit) {
        runs.view(id).orElseThrow(() -> notFound(id));
        int n = QueryParameters.limit(limit, DEFAULT_LIMIT, MAX_LIMIT, "invalid_request");
        List<Map<String, Object>> changes = runs.changes(id, n);
        return Map.of("changes", changes);
    }

    /** {@code {"lastRun": <the newest run, as GET /admin/reconcile/{id}> | null}}, for the status page. */
    public Map<String, Object> lastRun() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("lastRun", runs.lastRun().orElse(null));
        return answer;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (Exception e) {
            throw new RejectedRequestException(400, "invalid_json", null, "the body is not valid JSON");
        }
        if (!node.isObject()) {
            throw new RejectedRequestException(400, "invalid_request", null, "the body must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!OPTIONS.contains(name)) {
                throw new RejectedRequestException(400, "invalid_request", name,
                        "unknown option " + name + " (allowed: dryRun, force, organizationUserId)");
            }
        }
        return node;
    }

    private static boolean bool(JsonNode options, String name) {
        JsonNode v = options.path(name);
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new RejectedRequestException(400, "invalid_request", name, name + " must be true or false");
        }
        return v.booleanValue();
    }

    private static RejectedRequestException notFound(String id) {
        return new RejectedRequestException(404, "not_found", "id", "no reconcile run " + id);
    }
}
