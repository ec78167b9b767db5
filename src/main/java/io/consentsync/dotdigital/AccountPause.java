package io.consentsync.dotdigital;

import io.consentsync.store.DeliveryPauses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivery paused for the whole Dotdigital account: an outage ({@code sync.outage.failure-threshold} transient
 * failures in a row, across contacts) or rejected credentials (any 401/403, at once). While paused no contact is
 * claimed and no event spends a retry; one probe ({@code GET /v2/account-info}, route probe-dotdigital-while-paused)
 * per {@code sync.outage.probe-interval-ms} across all instances ends the pause when it succeeds. The pause lives in
 * the shared store (table delivery_pause); this class caches it for {@code refreshMs}.
 */
public class AccountPause {

    public static final String OUTAGE = "outage";
    public static final String CREDENTIALS = "credentials";
    private static final Logger LOG = LoggerFactory.getLogger(AccountPause.class);

    private final DeliveryPauses shared;
    private final String apiUser;
    private final String instanceId;
    private final int failureThreshold;
    private final Duration probeInterval;
    private final Clock clock;
    private final long refreshMs;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile Optional<DeliveryPauses.Pause> current = Optional.empty();
    private volatile Instant lastRefresh = Instant.EPOCH;
    /** Pauses that started again soon after a resume (a partial outage the probe cannot see): each doubles the wait. */
    private volatile int flaps;
    private volatile Instant resumedAt;

    public AccountPause(DeliveryPauses shared, String apiUser, String instanceId, int failureThreshold,
                        Duration probeInterval, Clock clock, long refreshMs) {
        this.shared = shared;
        this.apiUser = apiUser;
        this.instanceId = instanceId;
        this.failureThreshold = failureThreshold;
        this.probeInterval = probeInterval;
        this.clock = clock;
        this.refreshMs = refreshMs;
    }

    /** True while no pause holds (read from the shared store at most every refreshMs). */
    public boolean isOpen() {
        return pause().isEmpty();
    }

    public Optional<DeliveryPauses.Pause> pause() {
        Instant now = clock.instant();
        if (!now.isBefore(lastRefresh.plusMillis(refreshMs))) {
            lastRefresh = now;
            try {
                Optional<DeliveryPauses.Pause> next = shared.current(apiUser);
                noteTransition(current.isPresent(), next.isPresent(), now);
                current = next;
            } catch (RuntimeException e) {
                LOG.warn("cannot read the shared delivery pause: {}", e.toString());
            }
        }
        return current;
    }

    /**
     * A pause that starts again within two probe intervals of a resume means the probe succeeds while writes still
     * fail (the contacts API down, account-info up): the probe interval doubles each time, up to 32 times, so a
     * partial outage costs a burst every few minutes, not every few seconds. A quiet spell resets it.
     */
    private void noteTransition(boolean wasPaused, boolean paused, Instant now) {
        if (wasPaused && !paused) {
            resumedAt = now;
        } else if (!wasPaused && paused) {
            boolean soonAgain = resumedAt != null && now.isBefore(resumedAt.plus(probeInterval().multipliedBy(2)));
            flaps = soonAgain ? Math.min(flaps + 1, 5) : 0;
        }
    }

    /** The wait between probes: sync.outage.probe-interval-ms, doubled for each pause that came back at once. */
    public Duration probeInterval() {
        return probeInterval.multipliedBy(1L << flaps);
    }

    /** True while paused for this reason (for the metric and the status page). */
    public boolean isPausedFor(String reason) {
        return pause().map(p -> p.reason().equals(reason)).orElse(false);
    }

    /** A call failed transiently (5xx, 408, no connection, timeout); enough of them in a row start an outage pause. */
    public void transientFailure(String detail) {
        if (failuresInARow.incrementAndGet() >= failureThreshold && isOpen()) {
            start(OUTAGE, failureThreshold + " transient failures in a row, the last: " + detail, null);
        }
    }

    /** Dotdigital answered (any outcome that is not a transient failure): the run of failures is over. */
    public void answered() {
        failuresInARow.set(0);
    }

    /** 401 or 403: the account's credentials, region or permissions are wrong; pause at once. */
    public void credentialsRejected(int statusCode, String detail) {
        if (!isPausedFor(CREDENTIALS)) {
            start(CREDENTIALS, detail, statusCode);
        }
    }

    private void start(String reason, String detail, Integer statusCode) {
        Instant now = clock.instant();
        noteTransition(current.isPresent(), true, now);
        boolean started = shared.start(apiUser, reason, detail, statusCode, instanceId, probeInterval());
        current = shared.current(apiUser); // seen at once here; the transition is this start, counted above
        lastRefresh = now;
        if (started) {
            LOG.warn("Delivery to Dotdigital PAUSED ({}): {}. Webhooks are still accepted and stored; a probe every {} s "
                    + "resumes delivery when Dotdigital answers", reason, detail, probeInterval().toSeconds());
        } else {
            LOG.info("Delivery pause is now for {}: {}", reason, detail);
        }
    }

    /** True for one instance per probe interval while paused: that instance sends the probe. */
    public boolean probeDue() {
        return !isOpen() && shared.takeProbe(apiUser, probeInterval());
    }

    /** The probe got an answer: delivery resumes. */
    public void probeSucceeded() {
        failuresInARow.set(0);
        shared.end(apiUser).ifPresent(p -> LOG.warn("Delivery to Dotdigital RESUMED after {} s paused ({})",
                Duration.between(p.since(), clock.instant()).toSeconds(), p.reason()));
        resumedAt = clock.instant();
        current = Optional.empty();
        lastRefresh = resumedAt;
    }
}
