package io.consentsync.didomi;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The values an event offers under Didomi's flat mapping keys, built by walking the JSON (never by splitting a key:
 * purpose, preference and value ids may contain '_'). A {@code null} choice and a key the event does not carry
 * both resolve to empty, so a partial event never writes what it does not say.
 */
public final class ConsentValues {

    private final Map<String, Object> values = new HashMap<>();
    /** v2 preferences present in the event: key prefix {@code consents_purposes_<p>_values_<pref>_} to selected value ids. */
    private final Map<String, Set<String>> selections = new HashMap<>();

    public ConsentValues(DidomiEvent event) {
        JsonNode user = event.user();
        JsonNode entity = event.entity();
        put("organization_user_id", user.path("organization_user_id"));
        put("user_id", user.path("id"));
        put("created_at", entity.path("created_at"));
        put("updated_at", entity.path("updated_at"));

        JsonNode consents = event.consents();
        for (JsonNode purpose : consents.path("purposes")) {
            String p = "consents_purposes_" + purpose.path("id").asText() + "_";
            put(p + "enabled", purpose.path("enabled"));
            put(p + "enabled_li", purpose.path("enabled_li"));
            Iterator<Map.Entry<String, JsonNode>> prefs = purpose.path("values").fields();
            while (prefs.hasNext()) {
                Map.Entry<String, JsonNode> pref = prefs.next();
                JsonNode list = pref.getValue().path("value");
                if (list.isNull() || list.isMissingNode()) {
                    continue;
                }
                String prefix = p + "values_" + pref.getKey() + "_";
                values.put(prefix + "value", list.asText());
                Set<String> selected = new HashSet<>();
                for (String v : list.asText().split(",")) {
                    if (!v.isBlank()) {
                        selected.add(v.trim());
                    }
                }
                selections.put(prefix, selected);
            }
            for (JsonNode pref : purpose.path("preferences")) { // API v1 shape
                String prefix = p + "preferences_" + pref.path("id").asText() + "_";
                put(prefix + "enabled", pref.path("enabled"));
                for (JsonNode channel : pref.path("channels")) {
                    put(prefix + "channel_" + channel.path("id").asText() + "_enabled", channel.path("enabled"));
                }
            }
        }
        for (JsonNode channel : consents.path("channels")) {
            put("consents_channels_" + channel.path("id").asText() + "_enabled", channel.path("enabled"));
        }
        Iterator<Map.Entry<String, JsonNode>> metadata = user.path("metadata").fields();
        while (metadata.hasNext()) {
            Map.Entry<String, JsonNode> m = metadata.next();
            put("metadata_" + m.getKey(), m.getValue());
        }
    }

    /** The value for a mapping key: Boolean, String or Number; empty when absent or a null choice. */
    public Optional<Object> resolve(String key) {
        if (values.containsKey(key)) {
            return Optional.of(values.get(key));
        }
        // consents_purposes_<p>_values_<pref>_<value>_enabled: true when selected, false when the preference is
        // present in the event and the value is not among its selection (a deselection is a withdrawal)
        for (Map.Entry<String, Set<String>> pref : selections.entrySet()) {
            String prefix = pref.getKey();
            if (key.startsWith(prefix) && key.endsWith("_enabled") && key.length() > prefix.length() + "_enabled".length()) {
                String value = key.substring(prefix.length(), key.length() - "_enabled".length());
                return Optional.of(pref.getValue().contains(value));
            }
        }
        return Optional.empty();
    }

    private void put(String key, JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return;
        }
        values.put(key, node.isBoolean() ? node.booleanValue() : node.isNumber() ? node.numberValue() : node.asText());
    }
}
