package io.consentsync.store;

/** The database did not take or give the data; callers answer 503 (intake) or retry later (delivery). */
public class EventStoreUnavailableException extends RuntimeException {
    public EventStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
