package io.consentsync.observe;

import io.consentsync.store.EventStore;
import io.consentsync.store.StoreWriteProbe;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness: DOWN while the event store cannot take a write (unreachable, or a full disk), because webhooks would then
 * be answered 503. A real write, not a connection test: H2 on a full disk still connects.
 */
public class EventStoreHealthCheck extends AbstractHealthCheck {

    private final StoreWriteProbe probe;

    public EventStoreHealthCheck(EventStore store) {
        super("consent-sync", "event-store");
        this.probe = new StoreWriteProbe(store.dataSource());
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (probe.canWrite()) {
            builder.up();
        } else {
            builder.down().message("the event store cannot be reached or cannot write (disk full?): "
                    + "webhooks are answered 503 until it is back");
        }
    }
}
