package io.consentsync.observe;

import io.consentsync.store.EventOutcomeListener;

import io.consentsync.didomi.DidomiEvent;
import io.consentsync.store.EventQueries;
import io.consentsync.store.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Business metrics next to Camel's per-route ones, on /observe/metrics. Labels are bounded and carry no personal
 * data: event type, status, reason class, HTTP method and status code.
 */
public class SyncMetrics implements EventOutcomeListener, HttpActivityListener {

    private static final String METHOD = "consentSync.httpMethod";

    private final CamelContext context;
    private final Clock clock;
    private volatile MeterRegistry registry;
    private volatile EventQueries.WaitingSummary waiting = new EventQueries.WaitingSummary(0, null);
    private volatile Instant waitingReadAt = Instant.EPOCH;
    private EventQueries queries;
    /** Held here: a gauge keeps its object only weakly, and a lambda nobody else holds would read NaN after a GC. */
    private final Map<String, BooleanSupplier> pauses = new ConcurrentHashMap<>();

    public SyncMetrics(CamelContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
    }

    /** The registry camel-micrometer binds at startup; found on first use, after the configuration ran. */
    private MeterRegistry registry() {
        if (registry == null) {
            MeterRegistry found = context.getRegistry().findSingleByType(MeterRegistry.class);
            if (found == null) {
                return null;
            }
            synchronized (this) {
                if (registry == null) {
                    registerGauges(found);
                    registry = found;
                }
            }
        }
        return registry;
    }

    public void watch(EventQueries queries) {
        this.queries = queries;
    }

    /** Gauge consent_sync_delivery_paused{reason}: 1 while that reason pauses delivery, else 0. */
    public void deliveryPaused(String reason, BooleanSupplier paused) {
        pauses.put(reason, paused);
        MeterRegistry r = registry;
        if (r != null) {
            registerPause(r, reason, paused);
        }
    }

    private static void registerPause(MeterRegistry r, String reason, BooleanSupplier paused) {
        Gauge.builder("consent.sync.delivery.paused", paused, p -> p.getAsBoolean() ? 1 : 0)
                .description("1 while delivery is paused for this reason").tag("reason", reason).register(r);
    }

    private void registerGauges(MeterRegistry r) {
        pauses.forEach((reason, paused) -> registerPause(r, reason, paused));
        Gauge.builder("consent.sync.events.waiting", this, m -> m.waiting().count())
                .description("events pending or retrying").register(r);
        Gauge.builder("consent.sync.oldest.waiting.event.age", this, m -> {
            Instant oldest = m.waiting().oldestReceivedAt();
            return oldest == null ? 0 : Duration.between(oldest, clock.instant()).toMillis() / 1000.0;
        }).baseUnit("seconds").description("age of the oldest pending or retrying event").register(r);
    }

    /** Store queries for the gauges, at most once every 5 s. */
    private EventQueries.WaitingSummary waiting() {
        if (queries != null && waitingReadAt.plusSeconds(5).isBefore(clock.instant())) {
            try {
                waiting = queries.waitingSummary();
            } catch (RuntimeException e) {
                // store down: keep the last figures, readiness says so
            }
            waitingReadAt = clock.instant();
        }
        return waiting;
    }

    @Override
    public void onAccepted(String type, boolean duplicate) {
        MeterRegistry r = registry();
        if (r != null) {
            Counter.builder("consent.sync.events.received").description("webhook events received")
                    .tag("type", DidomiEvent.KNOWN_TYPES.contains(type) ? type : "other")
                    .tag("duplicate", String.valueOf(duplicate)).register(r).increment();
        }
    }

    @Override
    public void onOutcome(StoredEvent event) {
        MeterRegistry r = registry();
        if (r != null) {
            Counter.builder("consent.sync.event.outcomes").description("event outcomes by status and reason class")
                    .tag("status", event.status().id()).tag("reason_class", ReasonClass.of(event)).register(r).increment();
        }
    }

    public void redelivery() {
        MeterRegistry r = registry();
        if (r != null) {
            Counter.builder("consent.sync.redeliveries").description("delivery retries scheduled").register(r).increment();
        }
    }

    public void rateLimitPause() {
        MeterRegistry r = registry();
        if (r != null) {
            Counter.builder("consent.sync.rate.limit.pauses").description("pauses of all Dotdigital calls").register(r).increment();
        }
    }

    @Override
    public void onRequestSubmitted(Object source, Exchange exchange, HttpHost host, HttpRequest request, HttpEntity entity) {
        exchange.setProperty(METHOD, request.getMethod());
    }

    @Override
    public void onResponseReceived(Object source, Exchange exchange, HttpHost host, HttpResponse response,
                                   HttpEntity entity, long elapsed) {
        if (exchange.getProperty("consentSync.didomiCall") != null) {
            return; // a Didomi API call of a reconcile run (reconcile.camel.yaml), not a Dotdigital call
        }
        MeterRegistry r = registry();
        if (r != null) {
            Counter.builder("consent.sync.dotdigital.calls").description("calls to Dotdigital by method and status code")
                    .tag("method", exchange.getProperty(METHOD, "UNKNOWN", String.class))
                    .tag("status", String.valueOf(response.getCode())).register(r).increment();
        }
    }
}
