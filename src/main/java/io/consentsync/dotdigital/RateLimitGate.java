package io.consentsync.dotdigital;

import io.consentsync.store.RateLimitPauses;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One pause for the whole Dotdigital client (one API user): set by a 429 or by {@code x-ratelimit-remaining: 0},
 * for as long as Dotdigital's headers say. While it lasts no delivery starts a call; events wait in the store.
 * Reset headers are read both ways Dotdigital's docs allow: seconds to wait, or an epoch time. The pause is also
 * written to the shared store and read back from it at most every {@code refreshMs}, so instances sharing the API
 * user pause together.
 */
public class RateLimitGate implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitGate.class);
    private static final long EPOCH_SECONDS_FROM = 1_000_000_000L;
    private static final long EPOCH_MILLIS_FROM = 1_000_000_000_000L;

    private final Clock clock;
    private final Duration defaultPause;
    private final Duration maxPause;
    private volatile Instant pausedUntil = Instant.EPOCH;
    private volatile String reason;
    private final java.util.concurrent.atomic.AtomicLong pauses = new java.util.concurrent.atomic.AtomicLong();
    private volatile Runnable onPause = () -> { };
    private final RateLimitPauses shared;
    private final String apiUser;
    private final String instanceId;
    private final long refreshMs;
    private volatile Instant lastRefresh = Instant.EPOCH;

    /** Called once at the start of each pause (metrics). */
    public void onPause(Runnable callback) {
        this.onPause = callback;
    }

    public RateLimitGate(Clock clock, Duration defaultPause, Duration maxPause, RateLimitPauses shared, String apiUser,
                         String instanceId, long refreshMs) {
        this.clock = clock;
        this.defaultPause = defaultPause;
        this.maxPause = maxPause;
        this.shared = shared;
        this.apiUser = apiUser;
        this.instanceId = instanceId;
        this.refreshMs = refreshMs;
    }

    public boolean isOpen() {
        Instant now = clock.instant();
        if (!now.isBefore(lastRefresh.plusMillis(refreshMs))) {
            lastRefresh = now;
            adoptSharedPause();
        }
        return !now.isBefore(pausedUntil);
    }

    /** Takes over a longer pause another instance recorded for this API user. */
    private void adoptSharedPause() {
        try {
            shared.current(apiUser).filter(p -> p.until().isAfter(pausedUntil)).ifPresent(p -> {
                synchronized (this) {
                    if (p.until().isAfter(pausedUntil)) {
                        pausedUntil = p.until();
                        reason = p.reason() + " (seen by " + p.setBy() + ")";
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("shared rate-limit pause unreadable, keeping the local one: {}", e.toString());
        }
    }

    public Instant pausedUntil() {
        return pausedUntil;
    }

    /** Delivery step before calling Dotdigital: refuses to call while paused. */
    @Override
    public void process(Exchange exchange) {
        if (!isOpen()) {
            throw new RateLimitedException("Dotdigital rate limit: paused until " + pausedUntil);
        }
    }

    /** After a successful call: pause before the next one when the remaining allowance is used up. */
    public void observe(Exchange exchange) {
        observe(name -> exchange.getMessage().getHeader(name, String.class));
    }

    public void observe(Function<String, String> headers) {
        String remaining = headers.apply("x-ratelimit-remaining");
        if (remaining != null && remaining.trim().equals("0")) {
            pause(resetTime(headers), "x-ratelimit-remaining is 0");
        }
    }

    /** A 429: pause the client as the answer's headers say; returns when calls may resume. */
    public Instant onTooManyRequests(HttpOperationFailedException e) {
        Map<String, String> headers = e.getResponseHeaders() == null ? Map.of() : e.getResponseHeaders();
        return pause(resetTime(name -> headers.entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null)),
                "HTTP 429 from Dotdigital");
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        boolean paused = !isOpen();
        view.put("paused", paused);
        view.put("pausedUntil", paused ? pausedUntil.toString() : null);
        view.put("reason", paused ? reason : null);
        view.put("pausesSinceStart", pauses.get());
        return view;
    }

    Instant pause(Instant until, String why) {
        Instant capped;
        synchronized (this) {
            Instant now = clock.instant();
            // whole milliseconds: the shared store keeps no finer precision, and every instance must see the same end
            capped = (until.isAfter(now.plus(maxPause)) ? now.plus(maxPause) : until).truncatedTo(ChronoUnit.MILLIS);
            if (!capped.isAfter(pausedUntil)) {
                return pausedUntil;
            }
            boolean newPause = !now.isBefore(pausedUntil);
            pausedUntil = capped;
            reason = why;
            if (newPause) { // once per pause, not per event
                pauses.incrementAndGet();
                onPause.run();
                LOG.warn("Dotdigital rate limit: {}; pausing all calls until {} ({} ms)", why, capped,
                        Duration.between(now, capped).toMillis());
            }
        }
        try { // outside the lock: other threads must not wait on the database to learn of the pause
            shared.extend(apiUser, capped, why, instanceId);
        } catch (RuntimeException e) {
            LOG.warn("cannot share the rate-limit pause with other instances: {}", e.toString());
        }
        return capped;
    }

    /** Retry-After (seconds or HTTP date), else x-ratelimit-reset (seconds, epoch seconds or epoch millis), else the default. */
    Instant resetTime(Function<String, String> headers) {
        Instant now = clock.instant();
        String retryAfter = headers.apply("Retry-After");
        if (retryAfter != null) {
            try {
                return now.plusSeconds(Long.parseLong(retryAfter.trim()));
            } catch (NumberFormatException e) {
                try {
                    return ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                } catch (DateTimeParseException ignored) {
                    // fall through to the rate-limit headers
                }
            }
        }
        String reset = headers.apply("x-ratelimit-reset");
        if (reset != null) {
            try {
                double value = Double.parseDouble(reset.trim());
                if (value >= EPOCH_MILLIS_FROM) {
                    return Instant.ofEpochMilli((long) value);
                }
                if (value >= EPOCH_SECONDS_FROM) {
                    return Instant.ofEpochMilli((long) (value * 1000));
                }
                return now.plusMillis((long) (value * 1000));
            } catch (NumberFormatException ignored) {
                // unreadable: use the default pause
            }
        }
        return now.plus(defaultPause);
    }
}
