package io.consentsync.admin;

import io.consentsync.store.EventQueries;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pipeline over the last 24 hours, minute by minute, from the store alone (no Prometheus needed): received,
 * delivered and dead per minute, and the waiting backlog at the end of each minute. Each event counts by its current
 * state: a replayed dead event is counted where it ends, not where it was dead.
 */
public class PipelineHistory {

    static final int MINUTES = 24 * 60;

    private final EventQueries queries;
    private final Clock clock;

    public PipelineHistory(EventQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    /**
     * {@code {"start", "end", "bucketSeconds": 60, "received": [...], "delivered": [...], "dead": [...],
     * "waiting": [...]}}: 1440 minutes, the last one the current (partial) minute; the last hour is the last 60.
     */
    public Map<String, Object> lastDay() {
        Instant end = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant start = end.minus(Duration.ofMinutes(MINUTES));
        EventQueries.PerMinute counts = queries.perMinute(start, MINUTES);
        // the backlog now, walked back: at the end of minute i it was the backlog after it, less what arrived in the
        // later minutes, plus what finished in them
        long[] waiting = new long[MINUTES];
        long backlog = queries.waitingSummary().count();
        for (int i = MINUTES - 1; i >= 0; i--) {
            waiting[i] = Math.max(0, backlog);
            backlog -= counts.received()[i] - counts.finished()[i];
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("start", start.toString());
        answer.put("end", end.toString());
        answer.put("bucketSeconds", 60);
        answer.put("received", Arrays.stream(counts.received()).boxed().toList());
        answer.put("delivered", Arrays.stream(counts.delivered()).boxed().toList());
        answer.put("dead", Arrays.stream(counts.dead()).boxed().toList());
        answer.put("waiting", Arrays.stream(waiting).boxed().toList());
        return answer;
    }
}
