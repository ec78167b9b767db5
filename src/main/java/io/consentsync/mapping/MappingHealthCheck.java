package io.consentsync.mapping;

import org.apache.camel.health.HealthCheckResultBuilder;

import java.util.Map;

/**
 * DOWN while the mapping names data fields Dotdigital lacks or can never hold (the message says which): delivery is
 * paused meanwhile. Part of /observe/health, deliberately not of readiness: a configuration problem never stops
 * intake, the events wait in the store.
 */
public class MappingHealthCheck extends io.consentsync.observe.OutsideReadinessHealthCheck {

    private final MappingCheck check;

    public MappingHealthCheck(MappingCheck check) {
        super("dotdigital-mapping");
        this.check = check;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!check.problems().isEmpty()) {
            builder.down().message("delivery paused: " + String.join("; ", check.problems()));
            builder.detail("pausedSince", String.valueOf(check.pausedSince()));
            return;
        }
        builder.up();
        if (check.unreachable() != null) {
            builder.message("mapping not verified: " + check.unreachable());
        }
        if (check.checkedAt() != null) {
            builder.detail("checkedAt", check.checkedAt().toString());
        }
    }
}
