package io.consentsync.mapping;

/** The mapping cannot produce a correct Dotdigital write for this event: permanent, never retried. */
public class MappingException extends RuntimeException {
    public MappingException(String message) {
        super(message);
    }
}
