package io.consentsync.dotdigital;

import io.consentsync.delivery.ContactBatch;
import io.consentsync.store.Claim;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.time.Clock;

/**
 * Handles a 401/403 (the account pause is already started by {@link AccountFailureObserver}): the batch goes back to
 * the store, due at once but claimed only after a probe ends the pause. It never spends a retry, never makes an event
 * dead: credentials are the account's problem, not the event's.
 */
public class AccountPauseDeferral implements Processor {

    private final EventStore store;
    private final Clock clock;

    public AccountPauseDeferral(EventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        ContactBatch batch = exchange.getVariable("batch", ContactBatch.class);
        if (batch == null) {
            store.releaseContact(exchange.getVariable("claim", Claim.class));
            return;
        }
        defer(batch, DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)).reason());
    }

    public void defer(ContactBatch batch, String why) {
        store.deferUntil(batch.claim(), batch.openIds(), clock.instant(),
                "waiting: delivery paused, " + why);
    }
}
