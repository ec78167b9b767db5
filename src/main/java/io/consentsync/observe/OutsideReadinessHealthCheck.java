package io.consentsync.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check that is part of /observe/health (and alerts) but neither of readiness nor of liveness: readiness is intake
 * (the event store alone), and nothing these checks see (Dotdigital down, a mapping or list problem, a skewed clock)
 * may stop webhooks from landing or get the process restarted; the events wait in the store.
 */
public abstract class OutsideReadinessHealthCheck extends AbstractHealthCheck {

    protected OutsideReadinessHealthCheck(String id) {
        super("consent-sync", id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }

    @Override
    public final boolean isReadiness() {
        return false;
    }
}
