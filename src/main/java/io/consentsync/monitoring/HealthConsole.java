package io.consentsync.monitoring;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

import java.util.Collection;
import java.util.Map;

/**
 * {@code /q/dev/health} as {@code /observe/health} tells it. Camel's own health console lists only the readiness and
 * liveness checks, so the connector's other checks (dotdigital, dotdigital-mapping, store-clock: deliberately neither,
 * so that Dotdigital being down never stops intake) were missing from it; this console, in its place, lists every check
 * with the state and message /observe/health shows, and Camel's readiness and liveness verdicts.
 */
public class HealthConsole extends AbstractDevConsole {

    public HealthConsole() {
        super("camel", "health", "Health Check", "Health Check Status (every check, as /observe/health)");
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        Collection<HealthCheck.Result> all = HealthCheckHelper.invoke(getCamelContext(), exposureLevel());
        JsonObject root = new JsonObject();
        root.put("up", HealthCheckHelper.isResultsUp(all, false));
        root.put("ready", HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeReadiness(getCamelContext()), true));
        root.put("live", HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeLiveness(getCamelContext()), false));
        JsonArray checks = new JsonArray();
        for (HealthCheck.Result r : all) {
            JsonObject check = new JsonObject();
            check.put("id", r.getCheck().getId());
            check.put("group", r.getCheck().getGroup());
            check.put("state", r.getState().name());
            check.put("readiness", r.getCheck().isReadiness());
            check.put("liveness", r.getCheck().isLiveness());
            r.getMessage().ifPresent(m -> check.put("message", m));
            checks.add(check);
        }
        root.put("checks", checks);
        return root;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder sb = new StringBuilder();
        for (HealthCheck.Result r : HealthCheckHelper.invoke(getCamelContext(), exposureLevel())) {
            sb.append(String.format("    %s: %s%s%n", r.getCheck().getId(), r.getState(),
                    r.getMessage().map(m -> " (" + m + ")").orElse("")));
        }
        return sb.toString();
    }

    private String exposureLevel() {
        HealthCheckRegistry registry = HealthCheckRegistry.get(getCamelContext());
        return registry == null ? null : registry.getExposureLevel();
    }
}
