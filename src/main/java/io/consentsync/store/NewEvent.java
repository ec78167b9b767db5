package io.consentsync.store;

/** An event checked by intake and ready to store; {@code status} is pending, or ignored with a reason. */
public record NewEvent(
        String dedupKey,
        String type,
        String organizationUserId,
        String regulation,
        String payload,
        EventStatus status,
        String reason) {
}
