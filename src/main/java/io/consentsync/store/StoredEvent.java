package io.consentsync.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the event store. {@code payload} is the webhook envelope as received (JSON text);
 * {@code fieldsWritten} the JSON object of data fields and values sent to Dotdigital, once delivered;
 * {@code consentTimeNote} says why {@code consentTime} is the time received rather than the one Didomi sent;
 * {@code reasonCode} is {@code reason} as a code (null for rows without one), what the metric label comes from.
 */
public record StoredEvent(
        String id,
        String type,
        String organizationUserId,
        String contactKey,
        String regulation,
        Instant consentTime,
        long consentVersion,
        EventStatus status,
        String reason,
        int attempts,
        Integer lastResponseCode,
        Instant receivedAt,
        Instant updatedAt,
        String fieldsWritten,
        String payload,
        String consentTimeNote,
        ReasonCode reasonCode) {

    /** An event without a reason code (as stored before V8, or given by a writer that passes none). */
    public StoredEvent(String id, String type, String organizationUserId, String contactKey, String regulation,
                       Instant consentTime, long consentVersion, EventStatus status, String reason, int attempts,
                       Integer lastResponseCode, Instant receivedAt, Instant updatedAt, String fieldsWritten, String payload,
                       String consentTimeNote) {
        this(id, type, organizationUserId, contactKey, regulation, consentTime, consentVersion, status, reason, attempts,
                lastResponseCode, receivedAt, updatedAt, fieldsWritten, payload, consentTimeNote, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The same event with its attempt count as the store now holds it (after retries recorded elsewhere). */
    public StoredEvent withAttempts(int count) {
        return new StoredEvent(id, type, organizationUserId, contactKey, regulation, consentTime, consentVersion, status,
                reason, count, lastResponseCode, receivedAt, updatedAt, fieldsWritten, payload, consentTimeNote, reasonCode);
    }

    /** The same event without its webhook body: what a batch keeps once the body is mapped (bodies can be 256 KiB). */
    public StoredEvent withoutPayload() {
        return new StoredEvent(id, type, organizationUserId, contactKey, regulation, consentTime, consentVersion, status,
                reason, attempts, lastResponseCode, receivedAt, updatedAt, fieldsWritten, null, consentTimeNote);
    }

    /** What the admin API shows: the outcome and what was written, not the payload. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("type", type);
        view.put("organizationUserId", organizationUserId);
        view.put("status", status.id());
        view.put("reason", consentTimeNote == null ? reason : reason == null ? consentTimeNote : reason + "; " + consentTimeNote);
        view.put("reasonCode", reasonCode == null ? null : reasonCode.name().toLowerCase(java.util.Locale.ROOT));
        view.put("attempts", attempts);
        view.put("lastResponseCode", lastResponseCode);
        view.put("regulation", regulation);
        view.put("consentTime", consentTime == null ? null : consentTime.toString());
        view.put("dataFieldsWritten", parse(fieldsWritten));
        view.put("receivedAt", receivedAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }

    private static Object parse(String json) {
        try {
            return json == null ? null : JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
