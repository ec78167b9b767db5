package io.consentsync.observe;

import io.consentsync.store.EventStore;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** Readiness: DOWN while the event store cannot be reached, because webhooks would then be answered 503. */
public class EventStoreHealthCheck extends AbstractHealthCheck {

    private final EventStore store;

    public EventStoreHealthCheck(EventStore store) {
        super("consent-sync", "event-store");
        this.store = store;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (store.isReachable()) {
            builder.up();
        } else {
            builder.down().message("the event store cannot be reached: webhooks are answered 503 until it is back");
        }
    }
}
