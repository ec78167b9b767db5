package io.consentsync.store;

import java.time.Instant;

/**
 * What delivery decided for one event: its final status, why (a sentence for people, and as a code for metrics),
 * Dotdigital's status code and the values it wrote.
 */
public record EventOutcome(StoredEvent event, EventStatus status, String reason, Integer responseCode, String fieldsWritten,
                           ReasonCode code) {

    /** An outcome without a reason code (its metric label is then read from the sentence, as before V8). */
    public EventOutcome(StoredEvent event, EventStatus status, String reason, Integer responseCode, String fieldsWritten) {
        this(event, status, reason, responseCode, fieldsWritten, null);
    }

    public String eventId() {
        return event.id();
    }

    /** The event as the store holds it once this outcome is recorded (what the outcome listeners are told). */
    StoredEvent applied(String storedReason, Instant at) {
        return new StoredEvent(event.id(), event.type(), event.organizationUserId(), event.contactKey(), event.regulation(),
                event.consentTime(), event.consentVersion(), status, storedReason, event.attempts(), responseCode,
                event.receivedAt(), at, fieldsWritten, event.payload(), event.consentTimeNote(), code);
    }
}
