package io.consentsync.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One row of the event store. {@code payload} is the webhook envelope as received (JSON text). */
public record StoredEvent(
        String id,
        String type,
        String organizationUserId,
        String regulation,
        EventStatus status,
        String reason,
        int attempts,
        Integer lastResponseCode,
        Instant receivedAt,
        Instant updatedAt,
        String payload) {

    /** What the admin API shows: no payload (it may hold personal data beyond the contact key). */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("type", type);
        view.put("organizationUserId", organizationUserId);
        view.put("status", status.id());
        view.put("reason", reason);
        view.put("attempts", attempts);
        view.put("lastResponseCode", lastResponseCode);
        view.put("receivedAt", receivedAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }
}
