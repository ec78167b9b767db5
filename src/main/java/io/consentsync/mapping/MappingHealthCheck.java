package io.consentsync.mapping;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** Readiness: DOWN while the mapping names data fields Dotdigital lacks or cannot hold; the message says which. */
public class MappingHealthCheck extends AbstractHealthCheck {

    private final MappingCheck check;

    public MappingHealthCheck(MappingCheck check) {
        super("consent-sync", "dotdigital-mapping");
        this.check = check;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!check.problems().isEmpty()) {
            builder.down().message(String.join("; ", check.problems()));
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
