package io.consentsync.dotdigital;

import io.consentsync.delivery.ContactBatch;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Dead-letter step: each event of the batch is {@code dead} with Dotdigital's status code and error text; replay brings it back. */
public class DeadEventRecorder implements Processor {

    private final EventStore store;

    public DeadEventRecorder(EventStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        ContactBatch batch = exchange.getVariable("batch", ContactBatch.class);
        if (batch == null) {
            // the batch could not be loaded (the store failed): its events still wait, free the contact for later
            store.releaseContact(exchange.getVariable("contactKey", String.class));
            return;
        }
        DeliveryFailure failure = DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        // logged by the store's outcome log
        store.finishBatch(batch.contactKey(), batch.allOutcomes(EventStatus.DEAD, failure.reason(), failure.statusCode()));
    }
}
