package io.consentsync.mapping;

import java.util.Locale;
import java.util.Map;

/**
 * A contact's write is one map, target to value, so coalescing, the stale guard, the field states and the audit trail
 * treat channel statuses and list memberships exactly like data fields. Besides data field names the map holds
 * {@code channel:<name>} (value {@code subscribed} / {@code unsubscribed} once converted, the Didomi boolean before)
 * and {@code list:<id>} (value {@code added} / {@code removed}, the Didomi boolean before). A data field name never
 * contains ':' (Dotdigital allows [a-zA-Z0-9_-]), so the three never clash.
 */
public final class WriteTargets {

    public static final String CHANNEL = "channel:";
    public static final String LIST = "list:";
    public static final String SUBSCRIBED = "subscribed";
    public static final String UNSUBSCRIBED = "unsubscribed";
    public static final String ADDED = "added";
    public static final String REMOVED = "removed";

    private WriteTargets() {
    }

    public static String channel(String name) {
        return CHANNEL + name;
    }

    public static String list(int id) {
        return LIST + id;
    }

    public static boolean isChannel(String target) {
        return target.startsWith(CHANNEL);
    }

    public static boolean isList(String target) {
        return target.startsWith(LIST);
    }

    public static boolean isDataField(String target) {
        return !isChannel(target) && !isList(target);
    }

    /** {@code channel:email} → {@code email}. */
    public static String channelName(String target) {
        return target.substring(CHANNEL.length());
    }

    /** {@code list:123} → 123. */
    public static int listId(String target) {
        return Integer.parseInt(target.substring(LIST.length()));
    }

    /**
     * The Didomi choice as what the target is set to: {@code subscribed}/{@code unsubscribed} for a channel,
     * {@code added}/{@code removed} for a list; null when the value is no choice (not a boolean).
     */
    public static String converted(String target, Object raw) {
        Boolean choice = raw instanceof Boolean b ? b
                : raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))
                ? Boolean.valueOf(s.toLowerCase(Locale.ROOT)) : null;
        if (choice == null) {
            return null;
        }
        if (isChannel(target)) {
            return choice ? SUBSCRIBED : UNSUBSCRIBED;
        }
        return choice ? ADDED : REMOVED;
    }

    /** True when the write asks for a channel opt-in (before or after conversion). */
    public static boolean hasOptIn(Map<String, ?> write) {
        return write.entrySet().stream().anyMatch(e -> isChannel(e.getKey())
                && (Boolean.TRUE.equals(e.getValue()) || SUBSCRIBED.equals(e.getValue())));
    }

    /** True when the write removes the contact from a list (before or after conversion). */
    public static boolean hasListRemoval(Map<String, ?> write) {
        return write.entrySet().stream().anyMatch(e -> isList(e.getKey())
                && (Boolean.FALSE.equals(e.getValue()) || REMOVED.equals(e.getValue())));
    }
}
