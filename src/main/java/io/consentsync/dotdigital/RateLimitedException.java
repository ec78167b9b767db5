package io.consentsync.dotdigital;

/** Thrown before a call while Dotdigital's rate limit pause is on: the event waits, it does not fail. */
public class RateLimitedException extends RuntimeException {
    public RateLimitedException(String message) {
        super(message);
    }
}
