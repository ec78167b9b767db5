package io.consentsync.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The delivery retry schedule built from {@code sync.retry.*}: retry k (k = 1..maxRedeliveries) waits
 * min(initialDelay x multiplier^k, maxDelay). With the defaults (6, 5 s, x2, 120 s) that is
 * 10 s, 20 s, 40 s, 80 s, 120 s, 120 s: six retries over 6 min 30 s, more than Didomi's "five retries in five minutes".
 * It is handed to Camel's redelivery policy as a {@code delayPattern}.
 */
public record RetrySchedule(int maxRedeliveries, long initialDelayMs, double multiplier, long maxDelayMs) {

    public RetrySchedule {
        if (maxRedeliveries < 0) {
            throw new InvalidConfigurationException("sync.retry.max-redeliveries must be 0 or more");
        }
        if (initialDelayMs < 1) {
            throw new InvalidConfigurationException("sync.retry.initial-delay-ms must be at least 1");
        }
        if (multiplier < 1) {
            throw new InvalidConfigurationException("sync.retry.multiplier must be at least 1");
        }
        if (maxDelayMs < initialDelayMs) {
            throw new InvalidConfigurationException("sync.retry.max-delay-ms must be at least sync.retry.initial-delay-ms");
        }
    }

    public List<Long> delays() {
        List<Long> delays = new ArrayList<>();
        for (int k = 1; k <= maxRedeliveries; k++) {
            delays.add((long) Math.min(maxDelayMs, initialDelayMs * Math.pow(multiplier, k)));
        }
        return delays;
    }

    /** Delay before the given retry (1-based); the last delay repeats beyond the schedule. */
    public long delayBefore(int retry) {
        List<Long> delays = delays();
        return delays.isEmpty() ? 0 : delays.get(Math.min(Math.max(retry, 1), delays.size()) - 1);
    }

    /**
     * Once the quick retries are spent, a transiently failing event waits in the store: double the schedule's last
     * delay for each attempt past it, at most {@code parkMaxMs}.
     */
    public long parkDelay(int attemptsMade, long parkMaxMs) {
        int past = Math.max(1, attemptsMade - maxRedeliveries);
        double delay = Math.max(delayBefore(maxRedeliveries), initialDelayMs) * Math.pow(2, Math.min(past, 30));
        return (long) Math.min(parkMaxMs, delay);
    }

    public Duration totalSpread() {
        return Duration.ofMillis(delays().stream().mapToLong(Long::longValue).sum());
    }

    /** Camel's delayPattern syntax: {@code redeliveryCounter:delayMillis;...}. */
    public String delayPattern() {
        StringJoiner pattern = new StringJoiner(";");
        List<Long> delays = delays();
        for (int i = 0; i < delays.size(); i++) {
            pattern.add((i + 1) + ":" + delays.get(i));
        }
        return delays.isEmpty() ? "0:0" : pattern.toString();
    }

    public boolean meetsDidomiPromise() {
        return maxRedeliveries >= 5 && totalSpread().compareTo(Duration.ofMinutes(5)) >= 0;
    }
}
