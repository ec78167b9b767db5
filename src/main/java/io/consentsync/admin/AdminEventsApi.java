package io.consentsync.admin;

import io.consentsync.dotdigital.AccountPause;
import io.consentsync.dotdigital.RateLimitGate;
import org.apache.camel.health.HealthCheck;
import io.consentsync.http.QueryParameters;
import io.consentsync.http.RejectedRequestException;
import io.consentsync.mapping.MappingCheck;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventQueries;
import io.consentsync.store.EventStore;
import io.consentsync.store.StoredEvent;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin API's answers over the event store; bad parameters are 400, unknown ids 404, wrong state 409. */
public class AdminEventsApi {

    private static final int MAX_LIMIT = 500;

    private final EventStore store;
    private final EventQueries queries;
    private final HealthCheck dotdigital;
    private final RateLimitGate rateLimit;
    private final AccountPause accountPause;
    private final MappingCheck mapping;

    public AdminEventsApi(EventStore store, EventQueries queries,
                          HealthCheck dotdigital, RateLimitGate rateLimit, AccountPause accountPause, MappingCheck mapping) {
        this.store = store;
        this.queries = queries;
        this.dotdigital = dotdigital;
        this.rateLimit = rateLimit;
        this.accountPause = accountPause;
        this.mapping = mapping;
    }

    /** What the status page shows: the pipeline counts, the last dead events, Dotdigital's health, the pause. */
    public Map<String, Object> summary() {
        Map<EventStatus, Long> byStatus = queries.countByStatus();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("received", byStatus.values().stream().mapToLong(Long::longValue).sum());
        counts.put("waiting", byStatus.getOrDefault(EventStatus.PENDING, 0L) + byStatus.getOrDefault(EventStatus.RETRYING, 0L));
        for (EventStatus s : List.of(EventStatus.DELIVERED, EventStatus.SKIPPED, EventStatus.IGNORED, EventStatus.STALE, EventStatus.DEAD)) {
            counts.put(s.id(), byStatus.getOrDefault(s, 0L));
        }
        HealthCheck.Result health = dotdigital.call();
        Map<String, Object> dd = new LinkedHashMap<>();
        dd.put("status", health.getState().name());
        dd.put("message", health.getMessage().orElse(null));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("counts", counts);
        answer.put("recentDead", queries.list(EventStatus.DEAD, 10).stream().map(StoredEvent::view).toList());
        answer.put("dotdigital", dd);
        answer.put("rateLimit", rateLimit.view());
        answer.put("deliveryPauses", deliveryPauses());
        return answer;
    }

    /** Why delivery is paused, one entry per reason (the rate limit has its own entry above), since when. */
    private List<Map<String, Object>> deliveryPauses() {
        List<Map<String, Object>> pauses = new java.util.ArrayList<>();
        accountPause.pause().ifPresent(p -> {
            Map<String, Object> pause = new LinkedHashMap<>();
            pause.put("reason", p.reason());
            pause.put("since", p.since().toString());
            pause.put("message", p.detail());
            pauses.add(pause);
        });
        Instant since = mapping.pausedSince();
        if (since != null) {
            Map<String, Object> pause = new LinkedHashMap<>();
            pause.put("reason", "mapping");
            pause.put("since", since.toString());
            pause.put("message", String.join("; ", mapping.problems()));
            pauses.add(pause);
        }
        return pauses;
    }

    /** Replays every dead (or skipped) event that reached that status since the given time. */
    public Map<String, Object> replayAll(String status, String since) {
        EventStatus filter = replayableStatus(status);
        Instant from = sinceParameter(since);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", filter.id());
        answer.put("since", from == null ? null : from.toString());
        answer.put("replayed", store.replayAll(filter, from));
        return answer;
    }

    /** How many events {@link #replayAll} would take now: what the page's confirmation shows before it replays. */
    public Map<String, Object> countReplayable(String status, String since) {
        EventStatus filter = replayableStatus(status);
        Instant from = sinceParameter(since);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", filter.id());
        answer.put("since", from == null ? null : from.toString());
        answer.put("count", queries.countReplayable(filter, from));
        return answer;
    }

    private static EventStatus replayableStatus(String status) {
        EventStatus filter;
        try {
            filter = EventStatus.fromId(status == null ? "" : status);
        } catch (IllegalArgumentException e) {
            filter = null;
        }
        if (filter == null || !filter.isReplayable()) {
            throw new RejectedRequestException(400, "invalid_parameter", "status", "status must be dead or skipped");
        }
        return filter;
    }

    private static Instant sinceParameter(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(since.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new RejectedRequestException(400, "invalid_parameter", "since",
                    "since must be an ISO-8601 time with offset, e.g. 2026-01-31T00:00:00Z");
        }
    }

    public Map<String, Object> get(String id) {
        return queries.find(id).map(StoredEvent::view).orElseThrow(() -> notFound(id));
    }

    public List<Map<String, Object>> list(String status, String limit) {
        EventStatus filter = null;
        if (status != null && !status.isBlank()) {
            try {
                filter = EventStatus.fromId(status);
            } catch (IllegalArgumentException e) {
                throw new RejectedRequestException(400, "invalid_parameter", "status",
                        "status must be one of pending, retrying, delivered, skipped, ignored, stale, dead");
            }
        }
        int max = QueryParameters.limit(limit, 50, MAX_LIMIT, "invalid_parameter");
        return queries.list(filter, max).stream().map(StoredEvent::view).toList();
    }

    public Map<String, Object> replay(String id) {
        queries.find(id).filter(e -> e.status().isReplayable() && e.payload() == null).ifPresent(e -> {
            throw new RejectedRequestException(409, "not_replayable", "payload", "event " + id + " can no longer be "
                    + "replayed: its webhook body was dropped (sync.retention.payload-days after it became " + e.status().id()
                    + ", or an erasure)");
        });
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
