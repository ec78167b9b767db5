package io.consentsync.dotdigital;

import io.consentsync.config.RetrySchedule;
import io.consentsync.delivery.ContactBatch;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The delivery error handler's {@code retryWhile}: decides, before each quick retry, whether the retry may wait in
 * memory (Camel's asynchronous delayed redelivery). It may while the contact's events have retries left under
 * {@code sync.retry.max-redeliveries} (counted from the store, so a batch that waited there does not start over) and
 * fewer than {@code sync.retry.max-in-memory} contacts already wait in memory. Otherwise the retry is declined: the
 * failed-delivery recorder then puts the events back in the store with their due time, or makes them dead when their
 * retries are spent. Camel's shared redelivery pool drops what its queue cannot hold; this keeps us below it.
 */
public class RetryCapacity {

    private static final String WAITS_IN_STORE = "consentSync.retryWaitsInStore";
    private static final String HOLDS_PLACE = "consentSync.retryHoldsPlace";

    private final RetrySchedule schedule;
    private final int maxInMemory;
    private final AtomicInteger inMemory = new AtomicInteger();

    public RetryCapacity(RetrySchedule schedule, int maxInMemory) {
        this.schedule = schedule;
        this.maxInMemory = maxInMemory;
    }

    public boolean mayRetry(Exchange exchange) {
        if (attemptsMade(exchange) > schedule.maxRedeliveries()) {
            return false; // spent: dead
        }
        if (exchange.getProperty(HOLDS_PLACE) != null) {
            return true;
        }
        if (inMemory.incrementAndGet() > maxInMemory) {
            inMemory.decrementAndGet();
            exchange.setProperty(WAITS_IN_STORE, true);
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

    /** The retry was declined for lack of room in memory, not because the events' retries are spent. */
    public boolean waitsInStore(Exchange exchange) {
        return exchange.getProperty(WAITS_IN_STORE) != null;
    }

    /** Delay before the next retry of this exchange's events. */
    public long nextDelayMs(Exchange exchange) {
        return schedule.delayBefore(attemptsMade(exchange));
    }

    public int inMemory() {
        return inMemory.get();
    }

    public int maxInMemory() {
        return maxInMemory;
    }

    /** Attempts made on the events so far: from the store when the batch is loaded, else this exchange's count. */
    private static int attemptsMade(Exchange exchange) {
        ContactBatch batch = exchange.getVariable("batch", ContactBatch.class);
        return batch != null ? batch.attemptsMade()
                : exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
    }
}
