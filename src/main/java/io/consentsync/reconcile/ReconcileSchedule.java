package io.consentsync.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code sync.reconcile.interval-ms}: a run is due when none goes on and the newest started at least that long ago
 * (read from the store, so instances sharing it agree; the lock still decides who runs it). 0: only on demand.
 */
public class ReconcileSchedule {

    private final long intervalMs;
    private final ReconcileRuns runs;
    private final DidomiSettings settings;
    private final Clock clock;

    public ReconcileSchedule(long intervalMs, ReconcileRuns runs, DidomiSettings settings, Clock clock) {
        this.intervalMs = intervalMs;
        this.runs = runs;
        this.settings = settings;
        this.clock = clock;
    }

    public boolean isDue() {
        if (intervalMs <= 0 || settings.missingSetting() != null || runs.running().isPresent()) {
            return false;
        }
        Instant last = runs.lastStarted();
        return last == null || !last.plus(Duration.ofMillis(intervalMs)).isAfter(clock.instant());
    }

    /** How often the schedule looks: a tenth of the interval, between 1 s and 1 min. */
    public static long checkEveryMs(long intervalMs) {
        return intervalMs <= 0 ? 3_600_000 : Math.max(1000, Math.min(60_000, intervalMs / 10));
    }
}
