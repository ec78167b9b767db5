package io.consentsync.delivery;

import io.consentsync.dotdigital.RateLimitGate;

import io.consentsync.store.ContactClaims;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

import java.time.Instant;

/**
 * Handles a 429 (or a call refused while paused): pauses the client per Dotdigital's headers and puts the event
 * batch back in the store until the pause ends. It never spends the event's retries and never makes it dead.
 */
public class RateLimitDeferral implements Processor {

    private final RateLimitGate gate;
    private final EventStore store;
    private final ContactClaims claims;

    public RateLimitDeferral(RateLimitGate gate, EventStore store, ContactClaims claims) {
        this.gate = gate;
        this.store = store;
        this.claims = claims;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Instant until = caught instanceof HttpOperationFailedException http ? gate.onTooManyRequests(http) : gate.pausedUntil();
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        if (batch == null) { // refused before the batch was loaded
            claims.releaseContact(exchange.getVariable(ExchangeVariables.CLAIM, io.consentsync.store.Claim.class));
            return;
        }
        defer(batch, until);
    }

    /** Puts a batch back in the store until the pause ends, its contact free again. */
    public void defer(ContactBatch batch, Instant until) {
        store.deferUntil(batch.claim(), batch.openIds(), until, "waiting for Dotdigital's rate limit until " + until);
    }
}
