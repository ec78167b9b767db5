package io.consentsync.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

import java.time.Instant;

/**
 * {@code consent_sync_reconcile_contacts_changed_total} (contacts a real run queued) and
 * {@code consent_sync_reconcile_last_success_timestamp_seconds} (when the last real run finished, from the store, so
 * every instance reports the same; 0 before the first).
 */
public class ReconcileMetrics {

    private final CamelContext context;
    private volatile ReconcileRuns runs;
    private volatile MeterRegistry registry;
    private volatile Counter changed;

    public ReconcileMetrics(CamelContext context) {
        this.context = context;
    }

    public void watch(ReconcileRuns runs) {
        this.runs = runs;
    }

    /** Registers the meters once camel-micrometer has bound its registry (at the first call, or from the schedule). */
    public void register() {
        if (registry != null) {
            return;
        }
        MeterRegistry found = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (found == null) {
            return;
        }
        synchronized (this) {
            if (registry == null) {
                changed = Counter.builder("consent.sync.reconcile.contacts.changed")
                        .description("contacts a reconcile run found different and queued").register(found);
                Gauge.builder("consent.sync.reconcile.last.success.timestamp", this, ReconcileMetrics::lastSuccess)
                        .baseUnit("seconds").description("when the last reconcile run (not a dry run) finished")
                        .register(found);
                registry = found;
            }
        }
    }

    void contactChanged() {
        register();
        Counter c = changed;
        if (c != null) {
            c.increment();
        }
    }

    private double lastSuccess() {
        try {
            Instant at = runs == null ? null : runs.lastSuccess();
            return at == null ? 0 : at.toEpochMilli() / 1000.0;
        } catch (RuntimeException e) {
            return Double.NaN; // store down: readiness says so
        }
    }
}
