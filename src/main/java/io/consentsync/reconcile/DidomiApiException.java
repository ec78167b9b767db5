package io.consentsync.reconcile;

/** A Didomi API answer that ends a reconcile run; its message is the run's reason (no secret, no user id in it). */
public class DidomiApiException extends RuntimeException {

    public DidomiApiException(String message) {
        super(message);
    }
}
