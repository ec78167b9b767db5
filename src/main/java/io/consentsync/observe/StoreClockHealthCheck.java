package io.consentsync.observe;

import io.consentsync.store.ContactClaims;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How far this JVM's clock is from the database's (route {@code check-store-clock}, at startup and every
 * {@code sync.store.clock-check-interval-ms}). Claims, leases and due times run on the database's clock, so a skew
 * does not break them; but it shows a host whose time is off (NTP stopped, a VM resumed) and makes times shown to
 * people wrong. Warned in the log and here, beyond a tenth of the lease. Not part of readiness: intake is unaffected.
 */
public class StoreClockHealthCheck extends OutsideReadinessHealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(StoreClockHealthCheck.class);

    private final ContactClaims claims;
    private final Clock clock;
    private final Duration tolerance;
    private volatile Duration skew; // database minus JVM; null until measured
    private volatile boolean warned;

    public StoreClockHealthCheck(ContactClaims claims, Clock clock, Duration tolerance) {
        super("store-clock");
        this.claims = claims;
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /** Reads the database's time, against the middle of the round trip on this JVM's clock. */
    public Duration measure() {
        Instant before = clock.instant();
        Instant database = claims.databaseTime();
        Instant after = clock.instant();
        Duration measured = Duration.between(before.plus(Duration.between(before, after).dividedBy(2)), database);
        skew = measured;
        boolean off = measured.abs().compareTo(tolerance) > 0;
        if (off && !warned) {
            LOG.warn("This host's clock is {} ms {} the database's (more than {} ms, a tenth of the lease): claims and "
                            + "due times follow the database's clock, but check NTP on this host", measured.abs().toMillis(),
                    measured.isNegative() ? "ahead of" : "behind", tolerance.toMillis());
        } else if (!off && warned) {
            LOG.info("This host's clock agrees with the database's again ({} ms apart)", measured.abs().toMillis());
        }
        warned = off;
        return measured;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Duration measured = skew;
        if (measured == null) {
            builder.up().message("not measured yet");
            return;
        }
        builder.detail("skew-ms", measured.toMillis());
        if (measured.abs().compareTo(tolerance) > 0) {
            builder.down().message("this host's clock is " + measured.abs().toMillis() + " ms "
                    + (measured.isNegative() ? "ahead of" : "behind") + " the database's (tolerance "
                    + tolerance.toMillis() + " ms): claims and due times use the database's clock; check NTP");
        } else {
            builder.up().message("within " + tolerance.toMillis() + " ms of the database's clock");
        }
    }
}
