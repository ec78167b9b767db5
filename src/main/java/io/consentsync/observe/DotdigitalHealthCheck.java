package io.consentsync.observe;

import io.consentsync.config.IntegrationConfig;
import io.consentsync.dotdigital.AccountPause;
import io.consentsync.mapping.MappingCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

import java.util.Map;

/**
 * Can the connector use Dotdigital (from the periodic read of the data fields)? Wrong credentials (401) and wrong
 * region (403) are told apart. Part of /observe/health, deliberately not of readiness: while Dotdigital is down
 * the connector must keep accepting webhooks, which wait safely in the store.
 */
public class DotdigitalHealthCheck extends OutsideReadinessHealthCheck {

    private final java.util.function.Supplier<IntegrationConfig> config;
    private final MappingCheck check;
    private final AccountPause pause;

    public DotdigitalHealthCheck(java.util.function.Supplier<IntegrationConfig> config, MappingCheck check, AccountPause pause) {
        super("dotdigital");
        this.config = config;
        this.check = check;
        this.pause = pause;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("url", config.get().baseUrl());
        if (!config.get().readyForDelivery()) {
            builder.up().message("delivery paused: no real Dotdigital account configured");
            return;
        }
        var paused = pause.pause();
        if (paused.isPresent()) { // what the delivery calls and probes found: current within one probe interval
            var p = paused.get();
            builder.detail("paused-since", p.since().toString());
            builder.down().message("delivery paused since " + p.since() + ": " + (p.statusCode() == null ? ""
                    : p.statusCode() == 401 ? "Dotdigital rejected the API user's credentials (HTTP 401): check "
                    + "authentication.username and the password; "
                    : p.statusCode() == 403 ? "Dotdigital refused access (HTTP 403): the region in authentication.url "
                    + "or the API user's permissions; " : "") + p.detail());
            return;
        }
        Integer code = check.failureStatusCode();
        String failure = check.unreachable();
        if (failure == null) {
            builder.up().message("Dotdigital answered at " + check.checkedAt());
        } else if (check.checkedAt() == null) {
            builder.up().message("not checked yet");
        } else if (code != null && code == 401) {
            builder.down().message("Dotdigital rejected the API user's credentials (HTTP 401): check "
                    + "authentication.username and the password");
        } else if (code != null && code == 403) {
            builder.down().message("Dotdigital refused access (HTTP 403): most often the wrong region in authentication.url "
                    + "(r1 Europe, r2 North America, r3 Asia Pacific)");
        } else {
            builder.down().message("Dotdigital cannot be reached: " + failure);
        }
    }
}
