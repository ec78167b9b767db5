package io.consentsync.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The account's contact data fields ({@code GET /v2/data-fields}): name and type. Loaded on first use, refreshed when
 * a mapping names a field it does not know (at most once per refresh interval). Names compare case-insensitively.
 */
public class DataFieldCatalog {

    /** A Dotdigital data field: its name as the account spells it and its type (String, Numeric, Date, Boolean). */
    public record DataField(String name, String type) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final Duration minRefreshInterval;
    private volatile Map<String, DataField> fields;
    private volatile Instant loadedAt = Instant.EPOCH;

    public DataFieldCatalog(Clock clock, Duration minRefreshInterval) {
        this.clock = clock;
        this.minRefreshInterval = minRefreshInterval;
    }

    /** True when the catalog was never loaded, or a field is unknown and the last load is old enough to retry. */
    public boolean needsRefresh(Map<String, ?> mapped) {
        Map<String, DataField> current = fields;
        if (current == null) {
            return true;
        }
        boolean unknown = mapped.keySet().stream().anyMatch(f -> !current.containsKey(key(f)));
        return unknown && loadedAt.plus(minRefreshInterval).isBefore(clock.instant());
    }

    /** When the catalog was last read from Dotdigital; null before the first read. */
    public Instant loadedAt() {
        return fields == null ? null : loadedAt;
    }

    /** Takes the body of {@code GET /v2/data-fields}. */
    public void update(String json) throws JsonProcessingException {
        JsonNode list = JSON.readTree(json);
        if (!list.isArray()) {
            throw new IllegalArgumentException("GET /v2/data-fields did not return an array");
        }
        Map<String, DataField> loaded = new HashMap<>();
        for (JsonNode f : list) {
            String name = f.path("name").asText(null);
            if (name != null) {
                loaded.put(key(name), new DataField(name, f.path("type").asText("String")));
            }
        }
        fields = Map.copyOf(loaded);
        loadedAt = clock.instant();
    }

    public Optional<DataField> find(String name) {
        Map<String, DataField> current = fields;
        return current == null ? Optional.empty() : Optional.ofNullable(current.get(key(name)));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
