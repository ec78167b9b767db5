package io.consentsync.monitoring;

import io.consentsync.dotdigital.RateLimitGate;
import io.consentsync.mapping.DataFieldCatalog;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Developer console {@code dotdigital}: the last calls to Dotdigital and their status codes (paths as templates, no
 * contact in them), the rate-limit state and the age of the data-field catalog.
 */
public class DotdigitalConsole extends AbstractDevConsole {

    private final DotdigitalCalls calls;
    private final RateLimitGate rateLimit;
    private final DataFieldCatalog catalog;
    private final Clock clock;

    public DotdigitalConsole(DotdigitalCalls calls, RateLimitGate rateLimit, DataFieldCatalog catalog, Clock clock) {
        super("consent-sync", "dotdigital", "Dotdigital", "Last calls to Dotdigital, rate-limit state, data-field catalog age");
        this.calls = calls;
        this.rateLimit = rateLimit;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonObject root = new JsonObject();
        JsonArray recent = new JsonArray();
        for (DotdigitalCalls.Call c : calls.recent()) {
            JsonObject call = new JsonObject();
            call.put("at", c.at().toString());
            call.put("method", c.method());
            call.put("path", c.path());
            call.put("status", c.status());
            recent.add(call);
        }
        root.put("lastCalls", recent);
        root.put("callsSinceStart", calls.total());
        JsonObject limit = new JsonObject();
        limit.putAll(rateLimit.view());
        root.put("rateLimit", limit);
        JsonObject fields = new JsonObject();
        Instant loaded = catalog.loadedAt();
        fields.put("loadedAt", loaded == null ? null : loaded.toString());
        fields.put("ageSeconds", loaded == null ? null : Duration.between(loaded, clock.instant()).toSeconds());
        root.put("dataFieldCatalog", fields);
        return root;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> json = doCallJson(options);
        sb.append("rateLimit: ").append(json.get("rateLimit")).append('\n');
        sb.append("dataFieldCatalog: ").append(json.get("dataFieldCatalog")).append('\n');
        sb.append("callsSinceStart: ").append(json.get("callsSinceStart")).append('\n');
        for (DotdigitalCalls.Call c : calls.recent()) {
            sb.append("  ").append(c.at()).append(' ').append(c.method()).append(' ').append(c.path()).append(' ')
                    .append(c.status()).append('\n');
        }
        return sb.toString();
    }
}
