package io.consentsync.delivery;

import io.consentsync.dotdigital.AccountPause;

import io.consentsync.config.RetrySchedule;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The delivery error handler's {@code retryWhile}: decides, before each quick retry, whether the retry may wait in
 * memory (Camel's asynchronous delayed redelivery). It may while the contact's events have retries left under
 * {@code sync.retry.max-redeliveries} (counted from the store, so a batch that waited there does not start over),
 * fewer than {@code sync.retry.max-in-memory} contacts already wait in memory, and delivery is not paused. Otherwise
 * the retry is declined and the failed-delivery recorder puts the events back in the store with their due time. Camel's shared redelivery pool drops what its queue cannot hold; this keeps us below it.
 */
public class RetryCapacity {

    private static final String HOLDS_PLACE = "consentSync.retryHoldsPlace";

    private final RetrySchedule schedule;
    private final int maxInMemory;
    private final AccountPause pause;
    private final AtomicInteger inMemory = new AtomicInteger();

    public RetryCapacity(RetrySchedule schedule, int maxInMemory, AccountPause pause) {
        this.schedule = schedule;
        this.maxInMemory = maxInMemory;
        this.pause = pause;
    }

    public boolean mayRetry(Exchange exchange) {
        if (attemptsMade(exchange) > schedule.maxRedeliveries()) {
            return false; // spent: parked in the store, or dead
        }
        if (!pause.isOpen()) {
            return false; // delivery is paused: the retry waits in the store until the pause ends
        }
        if (exchange.getProperty(HOLDS_PLACE) != null) {
            return true;
        }
        if (inMemory.incrementAndGet() > maxInMemory) {
            inMemory.decrementAndGet();
            return false;
        }
        exchange.setProperty(HOLDS_PLACE, true);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                inMemory.decrementAndGet();
            }
        });
        return true;
    }

    /** Attempts made on the events so far: from the store when the batch is loaded, else this exchange's count. */
    private static int attemptsMade(Exchange exchange) {
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        return batch != null ? batch.attemptsMade()
                : exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
    }
}
