package io.consentsync.delivery;

import io.consentsync.dotdigital.AccountFailureObserver;
import io.consentsync.dotdigital.DeliveryFailure;

import io.consentsync.mapping.MappingCheck;
import io.consentsync.store.Claim;
import io.consentsync.store.ContactClaims;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.time.Clock;

/**
 * Delivery is paused (rejected credentials, a mapping problem): a batch already claimed goes back to the store, due
 * at once but claimed only when the pause ends. It never spends a retry and never makes an event dead: the problem is
 * the account's or the configuration's, not the event's. As a processor it handles a 401/403 (the account pause is
 * already started by {@link AccountFailureObserver}).
 */
public class PauseDeferral implements Processor {

    private final EventStore store;
    private final ContactClaims claims;
    private final MappingCheck mapping;
    private final Clock clock;

    public PauseDeferral(EventStore store, ContactClaims claims, MappingCheck mapping, Clock clock) {
        this.store = store;
        this.claims = claims;
        this.mapping = mapping;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        if (batch == null) {
            claims.releaseContact(exchange.getVariable(ExchangeVariables.CLAIM, Claim.class));
            return;
        }
        defer(batch, DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)).reason());
    }

    /** The mapping check found a problem this batch would run into. */
    public void deferForMapping(ContactBatch batch) {
        store.deferUntil(batch.claim(), batch.openIds(), clock.instant(),
                "waiting: delivery paused by the mapping check: " + String.join("; ", mapping.problems()));
    }

    public void defer(ContactBatch batch, String why) {
        store.deferUntil(batch.claim(), batch.openIds(), clock.instant(), "waiting: delivery paused, " + why);
    }
}
