package io.consentsync.store;

/**
 * An event checked by intake and ready to store; {@code status} is pending, or ignored with a reason and its code.
 * {@code contactKey} identifies the Dotdigital contact (the organization user id, lower-cased for email);
 * {@code consentTime} (null: the time received) and {@code consentVersion} order the event's choices.
 */
public record NewEvent(
        String dedupKey,
        String type,
        String organizationUserId,
        String contactKey,
        String regulation,
        java.time.Instant consentTime,
        long consentVersion,
        String payload,
        EventStatus status,
        String reason,
        ReasonCode reasonCode) {
}
