package io.consentsync.store;

import java.util.Locale;

/**
 * Lifecycle of a stored event. {@code pending} and {@code retrying} are waiting; the rest are final.
 * {@code stale}: every mapped field already holds a value from a newer consent choice, so nothing was written.
 */
public enum EventStatus {
    PENDING, RETRYING, DELIVERED, SKIPPED, IGNORED, STALE, DEAD;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this != PENDING && this != RETRYING;
    }

    public boolean isReplayable() {
        return this == DEAD || this == SKIPPED;
    }

    public static EventStatus fromId(String id) {
        for (EventStatus s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status: " + id);
    }
}
