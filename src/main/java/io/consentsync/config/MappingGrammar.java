package io.consentsync.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Didomi mapping keys this connector understands. Used only to reject a bad mapping at startup: resolution
 * itself builds the keys from the event JSON (ids may contain '_', so a key is never split).
 */
public final class MappingGrammar {

    private static final String ID = "[^\\s]+";

    private static final List<Pattern> FORMS = List.of(
            Pattern.compile("organization_user_id|user_id|created_at|updated_at"),
            Pattern.compile("consents_purposes_" + ID + "_enabled(_li)?"),
            Pattern.compile("consents_purposes_" + ID + "_values_" + ID + "_value"),
            Pattern.compile("consents_purposes_" + ID + "_values_" + ID + "_" + ID + "_enabled"),
            Pattern.compile("consents_purposes_" + ID + "_preferences_" + ID + "_enabled"),
            Pattern.compile("consents_purposes_" + ID + "_preferences_" + ID + "_channel_" + ID + "_enabled"),
            Pattern.compile("consents_channels_" + ID + "_enabled"),
            Pattern.compile("metadata_" + ID));

    private MappingGrammar() {
    }

    public static boolean accepts(String key) {
        return key != null && FORMS.stream().anyMatch(p -> p.matcher(key).matches());
    }

    /**
     * Keys whose value is a choice (true, false or none), the only ones a channel status or a list membership may
     * follow: {@code consents_*_enabled}, {@code consents_purposes_*_enabled_li} and the per-value {@code *_enabled}.
     */
    public static boolean isBoolean(String key) {
        return accepts(key) && key.startsWith("consents_") && (key.endsWith("_enabled") || key.endsWith("_enabled_li"));
    }

    public static String describeBoolean() {
        return "consents_purposes_<purpose>_enabled, consents_purposes_<purpose>_enabled_li, "
                + "consents_purposes_<purpose>_values_<preference>_<value>_enabled, "
                + "consents_purposes_<purpose>_preferences_<preference>_enabled, "
                + "consents_purposes_<purpose>_preferences_<preference>_channel_<channel>_enabled, "
                + "consents_channels_<channel>_enabled";
    }

    public static String describe() {
        return "organization_user_id, user_id, created_at, updated_at, consents_purposes_<purpose>_enabled, "
                + "consents_purposes_<purpose>_enabled_li, consents_purposes_<purpose>_values_<preference>_value, "
                + "consents_purposes_<purpose>_values_<preference>_<value>_enabled, "
                + "consents_purposes_<purpose>_preferences_<preference>_enabled, "
                + "consents_purposes_<purpose>_preferences_<preference>_channel_<channel>_enabled, "
                + "consents_channels_<channel>_enabled, metadata_<key>";
    }
}
