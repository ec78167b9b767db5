package io.consentsync.admin;

import io.consentsync.intake.RejectedRequestException;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventStore;
import io.consentsync.store.StoredEvent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin API's answers over the event store; bad parameters are 400, unknown ids 404, wrong state 409. */
public class AdminEventsApi {

    private static final int MAX_LIMIT = 500;

    private final EventStore store;

    public AdminEventsApi(EventStore store) {
        this.store = store;
    }

    public Map<String, Object> get(String id) {
        return store.find(id).map(StoredEvent::view).orElseThrow(() -> notFound(id));
    }

    public List<Map<String, Object>> list(String status, String limit) {
        EventStatus filter = null;
        if (status != null && !status.isBlank()) {
            try {
                filter = EventStatus.fromId(status);
            } catch (IllegalArgumentException e) {
                throw new RejectedRequestException(400, "invalid_parameter", "status",
                        "status must be one of pending, retrying, delivered, skipped, ignored, dead");
            }
        }
        int max = 50;
        if (limit != null && !limit.isBlank()) {
            try {
                max = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > MAX_LIMIT) {
                throw new RejectedRequestException(400, "invalid_parameter", "limit",
                        "limit must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        return store.list(filter, max).stream().map(StoredEvent::view).toList();
    }

    public Map<String, Object> replay(String id) {
        EventStatus before = store.replay(id).orElseThrow(() -> notFound(id));
        if (!before.isReplayable()) {
            throw new RejectedRequestException(409, "not_replayable", "status",
                    "only dead or skipped events can be replayed; event " + id + " is " + before.id());
        }
        Map<String, Object> answer = new LinkedHashMap<>(get(id));
        answer.put("previousStatus", before.id());
        return answer;
    }

    private static RejectedRequestException notFound(String id) {
        return new RejectedRequestException(404, "not_found", "id", "no event with id " + id);
    }
}
