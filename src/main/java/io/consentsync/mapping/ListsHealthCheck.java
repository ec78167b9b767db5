package io.consentsync.mapping;

import org.apache.camel.health.HealthCheckResultBuilder;

import java.util.Map;

/**
 * DOWN while a list of {@code properties.lists} does not exist in Dotdigital (the mapping check's
 * {@code GET /v2/address-books/{id}} answered 404), naming the ids. Delivery is paused meanwhile (a mapping problem).
 * Part of /observe/health, deliberately not of readiness, like {@link MappingHealthCheck}: readiness is intake, and a
 * configuration problem never stops intake (webhooks keep landing and wait for the list).
 */
public class ListsHealthCheck extends io.consentsync.observe.OutsideReadinessHealthCheck {

    private final MappingCheck check;

    public ListsHealthCheck(MappingCheck check) {
        super("dotdigital-lists");
        this.check = check;
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
