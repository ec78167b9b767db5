package io.consentsync.mapping;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness: DOWN while a list of {@code properties.lists} does not exist in Dotdigital (the mapping check's
 * {@code GET /v2/address-books/{id}} answered 404), naming the ids. Delivery is paused meanwhile (a mapping problem).
 */
public class ListsHealthCheck extends AbstractHealthCheck {

    private final MappingCheck check;

    public ListsHealthCheck(MappingCheck check) {
        super("consent-sync", "dotdigital-lists");
        this.check = check;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!check.missingLists().isEmpty()) {
            builder.down().message("lists of properties.lists do not exist in Dotdigital: " + check.missingLists());
            return;
        }
        builder.up();
    }
}
