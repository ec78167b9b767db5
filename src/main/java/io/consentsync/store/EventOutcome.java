package io.consentsync.store;

/** What delivery decided for one event: its final status, why, Dotdigital's status code and the values it wrote. */
public record EventOutcome(String eventId, EventStatus status, String reason, Integer responseCode, String fieldsWritten) {
}
