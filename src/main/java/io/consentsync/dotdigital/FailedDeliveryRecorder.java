package io.consentsync.dotdigital;

import io.consentsync.delivery.ContactBatch;
import io.consentsync.store.Claim;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.time.Clock;

/**
 * Dead-letter step of the delivery route. When the retry was declined only for lack of room in memory
 * ({@link RetryCapacity}), the batch goes back to the store as {@code retrying}, due after the next delay of the
 * schedule, and the contact is free. Otherwise each event of the batch is {@code dead} with Dotdigital's status code
 * and error text; replay brings it back.
 */
public class FailedDeliveryRecorder implements Processor {

    private final EventStore store;
    private final RetryCapacity capacity;
    private final Clock clock;

    public FailedDeliveryRecorder(EventStore store, RetryCapacity capacity, Clock clock) {
        this.store = store;
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        ContactBatch batch = exchange.getVariable("batch", ContactBatch.class);
        if (batch == null) {
            // the batch could not be loaded (the store failed): its events still wait, free the contact for later
            store.releaseContact(exchange.getVariable("claim", Claim.class));
            return;
        }
        DeliveryFailure failure = DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        // logged by the store's outcome log
        if (capacity.waitsInStore(exchange)) {
            long delay = capacity.nextDelayMs(exchange);
            store.retryLater(batch.claim(), batch.openIds(), clock.instant().plusMillis(delay),
                    failure.reason() + " (the retry waits in the store: " + capacity.maxInMemory()
                            + " retries already wait in memory)", failure.statusCode());
            return;
        }
        store.finishBatch(batch.claim(), batch.allOutcomes(EventStatus.DEAD, failure.reason(), failure.statusCode()));
    }
}
