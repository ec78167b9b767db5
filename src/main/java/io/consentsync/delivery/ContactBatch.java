package io.consentsync.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.store.Claim;
import io.consentsync.store.EventOutcome;
import io.consentsync.store.ReasonCode;
import io.consentsync.store.EventStatus;
import io.consentsync.store.StoredEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The waiting events of one contact, delivered as one write: each data field takes the value of the newest choice
 * (consent time, then version, then arrival) that sets it. Keeps, per field, which event the written value comes
 * from, so the stale-write guard, the field-state record and each event's outcome stay exact.
 */
public final class ContactBatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Claim claim;
    private final List<StoredEvent> open = new ArrayList<>();
    private final Map<String, Map<String, Object>> fieldsByEvent = new LinkedHashMap<>();
    // Dotdigital data field names are case-insensitive
    private final Map<String, StoredEvent> sourceByField = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> keptBack = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final java.util.Set<String> notResubscribed = new java.util.HashSet<>();
    private final List<StoredEvent> unmapped = new ArrayList<>();
    private final List<EventOutcome> rejected = new ArrayList<>();
    private int retries;

    public ContactBatch(Claim claim) {
        this.claim = claim;
    }

    /** The claim the batch was loaded under: every outcome is recorded only while it still holds. */
    public Claim claim() {
        return claim;
    }

    public String contactKey() {
        return claim.contactKey();
    }

    /** Adds the next event in consent order with the fields it sets; a later event's value wins. */
    public void add(StoredEvent mapped, Map<String, Object> fields) {
        StoredEvent event = mapped.withoutPayload(); // mapped already: a bulk import holds a thousand batches
        if (fields.isEmpty()) {
            unmapped.add(event);
            return;
        }
        open.add(event);
        fieldsByEvent.put(event.id(), fields);
        fields.keySet().forEach(field -> sourceByField.put(field, event));
    }

    /** Field to value, each from the newest choice that sets it, in mapping order of first appearance. */
    public Map<String, Object> mergedFields() {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (StoredEvent event : open) {
            fieldsByEvent.get(event.id()).forEach((field, value) -> {
                if (sourceByField.get(field) == event) {
                    merged.put(field, value);
                }
            });
        }
        return merged;
    }

    /** The fields this event sets, with the raw values it carries. */
    public Map<String, Object> fieldsOf(StoredEvent event) {
        // not Map.copyOf: a deletion clears fields with null values
        return java.util.Collections.unmodifiableMap(fieldsByEvent.getOrDefault(event.id(), Map.of()));
    }

    /**
     * One event carries a value that cannot be written: it alone leaves the batch, {@code dead} with the reason. The
     * fields it was the newest choice for are not written at all in this batch: an older event's value must never
     * stand in for a newer choice (an opt-in for the withdrawal that could not be written). The older events say
     * which newer event superseded them.
     */
    public void reject(StoredEvent event, String reason) {
        open.remove(event);
        rejected.add(new EventOutcome(current(event), EventStatus.DEAD, reason, null, null, ReasonCode.MAPPING));
    }

    /** Events rejected since the last call; they are recorded dead and leave the batch. */
    public List<EventOutcome> takeRejected() {
        List<EventOutcome> taken = List.copyOf(rejected);
        rejected.clear();
        return taken;
    }

    public StoredEvent sourceOf(String field) {
        return sourceByField.get(field);
    }

    /** The newest event of the batch (the last in consent order). */
    public StoredEvent newest() {
        return open.get(open.size() - 1);
    }

    /** A retry was recorded on every open event (the store counts it; outcomes must show it too). */
    public void countRetry() {
        retries++;
    }

    /**
     * Delivery attempts made so far on the batch: the store's count at load (every earlier load and recorded retry,
     * so a batch that waited in the store goes on with the schedule) plus the retries recorded since. The events'
     * fewest, so an event that joined late never loses retries to an older one.
     */
    public int attemptsMade() {
        return open.stream().mapToInt(StoredEvent::attempts).min().orElse(1) + retries;
    }

    /** The event as loaded, with the retries recorded since. */
    private StoredEvent current(StoredEvent e) {
        return retries == 0 ? e : e.withAttempts(e.attempts() + retries);
    }

    /** The stale-write guard kept this field out of the write. */
    public void keepBack(String field, String why) {
        keptBack.put(field, why);
    }

    /** properties.resubscribe kept this channel opt-in out of the write: the contact opted out in Dotdigital. */
    public void notResubscribed(String target, String why) {
        keptBack.put(target, why);
        notResubscribed.add(target);
    }

    private boolean wasNotResubscribed(StoredEvent event) {
        return fieldsByEvent.get(event.id()).keySet().stream()
                .anyMatch(f -> notResubscribed.contains(f) && sourceByField.get(f) == event);
    }

    public List<StoredEvent> openEvents() {
        return List.copyOf(open);
    }

    public List<String> openIds() {
        return open.stream().map(StoredEvent::id).toList();
    }

    /** Events that carry none of the mapped Didomi keys; they are recorded as skipped and leave the batch. */
    public List<StoredEvent> takeUnmapped() {
        List<StoredEvent> taken = List.copyOf(unmapped);
        unmapped.clear();
        return taken;
    }

    /** The same outcome for every open event. */
    public List<EventOutcome> allOutcomes(EventStatus status, ReasonCode code, String reason, Integer responseCode) {
        return open.stream().map(e -> new EventOutcome(current(e), status, reason, responseCode, null, code)).toList();
    }

    /** Every open event gets stale: each of its fields was kept back by the guard or superseded in this batch. */
    public List<EventOutcome> staleOutcomes() {
        return open.stream().map(e -> new EventOutcome(current(e), EventStatus.STALE, notesFor(e, Map.of()), null, null,
                ReasonCode.NEWER_CHOICE_APPLIED)).toList();
    }

    /**
     * After Dotdigital holds {@code written} (field to converted value): each event is delivered with the values that
     * came from it, or stale when every one of its fields came from a newer choice or was kept back. {@code howCode}
     * is {@code how} as a code (OK, COALESCED, ALREADY_HELD or BULK_IMPORT); an event some of whose fields were not
     * written by it is PARTLY_STALE, unless Dotdigital already held the values.
     */
    public List<EventOutcome> outcomesAfterWrite(Map<String, Object> written, Integer responseCode, String how,
                                                 ReasonCode howCode) {
        Map<String, Object> writtenFields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        writtenFields.putAll(written);
        List<EventOutcome> outcomes = new ArrayList<>();
        for (StoredEvent event : open) {
            Map<String, Object> own = new LinkedHashMap<>();
            for (String field : fieldsByEvent.get(event.id()).keySet()) {
                if (sourceByField.get(field) == event && writtenFields.containsKey(field)) {
                    own.put(field, writtenFields.get(field));
                }
            }
            String notes = notesFor(event, own);
            boolean notResubscribed = wasNotResubscribed(event);
            if (own.isEmpty() && notResubscribed) { // its only choice was an opt-in that properties.resubscribe held back
                outcomes.add(new EventOutcome(current(event), EventStatus.SKIPPED, notes, responseCode, null,
                        ReasonCode.NOT_RESUBSCRIBED));
            } else if (own.isEmpty()) {
                outcomes.add(new EventOutcome(current(event), EventStatus.STALE, notes, null, null,
                        ReasonCode.NEWER_CHOICE_APPLIED));
            } else {
                ReasonCode code = notResubscribed ? ReasonCode.NOT_RESUBSCRIBED
                        : notes == null || howCode == ReasonCode.ALREADY_HELD ? howCode : ReasonCode.PARTLY_STALE;
                outcomes.add(new EventOutcome(current(event), EventStatus.DELIVERED, join(how, notes), responseCode, json(own),
                        code));
            }
        }
        return outcomes;
    }

    /** Why some of this event's fields were not written by it (null when all were). */
    private String notesFor(StoredEvent event, Map<String, Object> own) {
        List<String> notes = new ArrayList<>();
        for (String field : fieldsByEvent.get(event.id()).keySet()) {
            StoredEvent source = sourceByField.get(field);
            if (source != event) {
                notes.add(field + " superseded by newer event " + source.id() + " in the same write");
            } else if (keptBack.containsKey(field)) {
                notes.add(field + " " + keptBack.get(field));
            }
        }
        return notes.isEmpty() ? null : "not written: " + String.join("; ", notes);
    }

    private static String join(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a + "; " + b;
    }

    private static String json(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
