package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentsync.config.IntegrationConfig;
import io.consentsync.delivery.ExchangeVariables;
import io.consentsync.didomi.ConsentValues;
import io.consentsync.didomi.DidomiEvent;
import io.consentsync.mapping.WriteTargets;
import io.consentsync.store.ContactFieldStates;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventStore;
import io.consentsync.store.NewEvent;
import org.apache.camel.Exchange;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compares one page of Didomi users (the body: {@code {"total","limit","skip","data":[ConsentUser]}}, or a bare array
 * as the published OpenAPI file has it) with what the connector last wrote, field by field (the field states, with
 * their values). A user without {@code organization_user_id} is counted and skipped. A mapped field is a change when it
 * was never written, or when Didomi's value differs and the user's {@code updated_at} is not older than the written
 * value's consent time (a newer webhook stands); with {@code force}, every mapped field no newer choice holds. Each
 * changed user is kept as a change of the run and, unless the run is dry, stored as one event of type
 * {@code reconcile} (consent time: {@code updated_at}) that the normal delivery takes from there.
 */
public class ReconcilePage {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The store's identifier columns hold 512 characters, as intake checks (EventClassifier, WebhookEnvelopeParser). */
    private static final int MAX_ID_LENGTH = 512;

    private final Supplier<IntegrationConfig> config;
    private final ContactFieldStates fieldStates;
    private final EventStore store;
    private final ReconcileRuns runs;
    private final ReconcileMetrics metrics;
    private final int releaseEvery;
    private final java.time.Duration holdAtMost;
    private final java.time.Clock clock;

    /**
     * @param releaseEvery events stored are held back and released together once this many wait (the bulk import's
     *                     size, sync.import.max-contacts), and at the end of the run
     * @param holdAtMost   a held event is due after this even if never released (the run's instance died)
     */
    public ReconcilePage(Supplier<IntegrationConfig> config, ContactFieldStates fieldStates, EventStore store,
                         ReconcileRuns runs, ReconcileMetrics metrics, int releaseEvery, java.time.Duration holdAtMost,
                         java.time.Clock clock) {
        this.releaseEvery = Math.max(1, releaseEvery);
        this.holdAtMost = holdAtMost;
        this.clock = clock;
        this.config = config;
        this.fieldStates = fieldStates;
        this.store = store;
        this.runs = runs;
        this.metrics = metrics;
    }

    public void compare(Exchange exchange) throws Exception {
        ReconcileRun run = exchange.getVariable(ExchangeVariables.RECONCILE_RUN, ReconcileRun.class);
        IntegrationConfig cfg = config.get();
        JsonNode page = JSON.readTree(exchange.getMessage().getBody(String.class));
        JsonNode users = page.isArray() ? page : page.path("data");
        if (!users.isArray()) {
            throw new DidomiApiException("Didomi GET /consents/users answered without a data array");
        }
        Long total = page.path("total").isNumber() ? page.path("total").asLong() : null;
        List<String> ids = new ArrayList<>();
        users.forEach(u -> ids.add(u.path("id").asText("") + "|" + u.path("organization_user_id").asText("")));
        if (!run.isNewPage(ids)) {
            throw new DidomiApiException("Didomi answered the same " + ids.size() + " users again for $skip=" + run.skip()
                    + ": its paging does not advance, the run stops rather than read them for ever");
        }
        // still this run's (and its heartbeat fresh) before anything is queued: a run another instance gave up as
        // stale while its page was on the way must not queue events beside the run that replaced it
        if (!runs.saveProgress(run)) {
            throw new DidomiApiException("the run was given up as stale by another instance");
        }

        Set<String> contactKeys = new LinkedHashSet<>();
        for (JsonNode user : users) {
            String key = cfg.contactKey(organizationUserId(user));
            if (key != null) {
                contactKeys.add(key);
            }
        }
        Map<String, Map<String, ContactFieldStates.WrittenValue>> written = byUpperCaseField(fieldStates.loadWithValues(contactKeys));

        List<Map.Entry<String, Map<String, Map<String, Object>>>> changes = new ArrayList<>();
        for (JsonNode user : users) {
            run.usersRead++;
            String organizationUserId = organizationUserId(user);
            if (organizationUserId == null) {
                run.usersSkipped++;
                continue;
            }
            String contactKey = cfg.contactKey(organizationUserId);
            ObjectNode envelope = JSON.createObjectNode().put("type", DidomiEvent.RECONCILE);
            envelope.putObject("parameters").set("entity", user);
            DidomiEvent event = new DidomiEvent(envelope);
            Map<String, Map<String, Object>> fields = changedFields(cfg, new ConsentValues(event), event.consentTime(),
                    written.getOrDefault(contactKey, Map.of()), run.force());
            if (fields.isEmpty()) {
                run.contactsInSync++;
                continue;
            }
            run.contactsChanged++;
            changes.add(new AbstractMap.SimpleEntry<>(organizationUserId, fields));
            if (!run.dryRun()) {
                String didomiUserId = user.path("id").asText("");
                run.held.add(store.acceptHeld(new NewEvent(DidomiEvent.RECONCILE + ":" + run.id() + ":"
                        + (didomiUserId.isEmpty() ? contactKey : didomiUserId), DidomiEvent.RECONCILE, organizationUserId, contactKey, null,
                        event.consentTime(), event.consentVersion(), envelope.toString(), EventStatus.PENDING, null, null),
                        clock.instant().plus(holdAtMost)).id());
                metrics.contactChanged();
            }
        }
        runs.recordChanges(run.id(), run.contactsChanged - changes.size(), changes);
        if (run.held.size() >= releaseEvery) {
            release(run);
        }
        run.pageRead(users.size(), total);
        if (!runs.saveProgress(run)) {
            throw new DidomiApiException("the run was given up as stale by another instance");
        }
    }

    /**
     * Makes the events the run holds back due, all at once: in upsert mode a burst the bulk import takes as one (or a
     * few) imports instead of contact by contact. At the end of a run, finished or failed, and every releaseEvery.
     */
    public void release(ReconcileRun run) {
        store.release(run.held);
        run.held.clear();
    }

    /** Field name (as mapped) to {@code {"from", "to"}} for each field this user changes. */
    private static Map<String, Map<String, Object>> changedFields(IntegrationConfig cfg, ConsentValues values,
            Instant updatedAt, Map<String, ContactFieldStates.WrittenValue> written, boolean force) throws Exception {
        Map<String, Map<String, Object>> changed = new LinkedHashMap<>();
        for (Map.Entry<String, String> target : targets(cfg).entrySet()) {
            Object raw = values.resolve(target.getValue()).orElse(null);
            // a channel or list is compared in the form it is written (subscribed, removed, ...)
            Object to = raw == null || WriteTargets.isDataField(target.getKey()) ? raw
                    : WriteTargets.converted(target.getKey(), raw);
            if (to == null) {
                continue; // no choice: nothing to write (as for a webhook)
            }
            ContactFieldStates.WrittenValue state = written.get(target.getKey().toUpperCase(Locale.ROOT));
            JsonNode from = state == null || state.valueJson() == null ? null : JSON.readTree(state.valueJson());
            boolean change;
            if (state == null) {
                change = true;
            } else if (updatedAt == null || updatedAt.isBefore(state.state().consentTime())) {
                change = false; // a newer choice holds the field (or the user says nothing of when it chose)
            } else {
                change = force || !ValueComparison.same(to, from);
            }
            if (change) {
                Map<String, Object> fromTo = new LinkedHashMap<>();
                fromTo.put("from", from);
                fromTo.put("to", to);
                changed.put(target.getKey(), fromTo);
            }
        }
        return changed;
    }

    /** Everything a choice is written to, as the field states name it (data field, channel:x, list:n), to its Didomi key. */
    private static Map<String, String> targets(IntegrationConfig cfg) {
        Map<String, String> targets = new LinkedHashMap<>();
        cfg.mappings().forEach(m -> targets.put(m.dataField(), m.didomiKey()));
        cfg.channels().forEach(c -> targets.put(WriteTargets.channel(c.name()), c.didomiKey()));
        cfg.lists().forEach(l -> targets.put(WriteTargets.list(l.id()), l.didomiKey()));
        return targets;
    }

    private static Map<String, Map<String, ContactFieldStates.WrittenValue>> byUpperCaseField(
            Map<String, Map<String, ContactFieldStates.WrittenValue>> states) {
        Map<String, Map<String, ContactFieldStates.WrittenValue>> out = new HashMap<>();
        states.forEach((contact, fields) -> {
            Map<String, ContactFieldStates.WrittenValue> upper = new HashMap<>();
            fields.forEach((field, state) -> upper.put(field.toUpperCase(Locale.ROOT), state));
            out.put(contact, upper);
        });
        return out;
    }

    /**
     * The user's identifier, or null (the user is counted as skipped) when there is none or it could never be stored:
     * what a webhook with it would get 400 for (longer than the store's 512 characters, a NUL character).
     */
    private static String organizationUserId(JsonNode user) {
        JsonNode id = user.path("organization_user_id");
        if (!id.isTextual() || id.asText().isBlank()) {
            return null;
        }
        String value = id.asText();
        return value.length() > MAX_ID_LENGTH || value.toLowerCase(Locale.ROOT).length() > MAX_ID_LENGTH
                || value.indexOf('\u0000') >= 0 ? null : value;
    }
}
