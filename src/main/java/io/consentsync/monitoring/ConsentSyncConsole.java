package io.consentsync.monitoring;

import io.consentsync.store.DeliveryPauses;
import io.consentsync.store.EventQueries;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

import java.util.Map;

/**
 * Developer console {@code consent-sync} ({@code /q/dev/consent-sync} on the management port, {@code camel get} from
 * the Camel CLI): events per status, the pauses in force and the claims this instance holds. No personal data: counts,
 * reasons, times and instance ids only (a pause's free-text detail stays on the authenticated admin API).
 */
public class ConsentSyncConsole extends AbstractDevConsole {

    private final ConnectorState state;

    public ConsentSyncConsole(ConnectorState state) {
        super("consent-sync", "consent-sync", "Consent sync", "Events per status, active pauses, claims held by this instance");
        this.state = state;
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonObject root = new JsonObject();
        root.put("instanceId", state.instanceId());
        try {
            root.put("eventsByStatus", json(state.countsByStatus()));
            EventQueries.WaitingSummary waiting = state.waiting();
            root.put("waiting", waiting.count());
            root.put("oldestWaitingReceivedAt", waiting.oldestReceivedAt() == null ? null : waiting.oldestReceivedAt().toString());
            root.put("claimsHeld", state.claimsHeld());
        } catch (RuntimeException e) {
            root.put("storeError", e.getClass().getSimpleName()); // readiness says more; no message: it may carry SQL
        }
        root.put("pausedReasons", new JsonArray(state.pausedReasons()));
        JsonObject pauses = new JsonObject();
        DeliveryPauses.Pause account = state.accountPause().pause().orElse(null);
        if (account != null) {
            JsonObject p = new JsonObject();
            p.put("since", account.since() == null ? null : account.since().toString());
            p.put("statusCode", account.statusCode());
            p.put("setBy", account.setBy());
            p.put("probeIntervalMs", state.accountPause().probeInterval().toMillis());
            pauses.put(account.reason(), p);
        }
        if (!state.rateLimit().isOpen()) {
            JsonObject p = new JsonObject();
            p.put("until", String.valueOf(state.rateLimit().pausedUntil()));
            pauses.put("rate_limit", p);
        }
        if (!state.mapping().allowsDelivery()) {
            JsonObject p = new JsonObject();
            p.put("since", state.mapping().pausedSince() == null ? null : state.mapping().pausedSince().toString());
            p.put("problems", state.mapping().problems().size());
            pauses.put("mapping", p);
        }
        root.put("pauses", pauses);
        return root;
    }

    private static JsonObject json(Map<String, ?> map) {
        JsonObject o = new JsonObject();
        o.putAll(map);
        return o;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder sb = new StringBuilder();
        doCallJson(options).forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }
}
