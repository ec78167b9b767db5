package io.consentsync.delivery;

import io.consentsync.dotdigital.DeliveryFailure;

import io.consentsync.config.RetrySchedule;
import io.consentsync.observe.SyncMetrics;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error handler's {@code onRedelivery} hook: before each retry, records on the event that it is
 * {@code retrying}, the attempt count and why on each event of the batch, so the admin API and a restart see it.
 */
public class DeliveryAttemptRecorder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttemptRecorder.class);

    private final EventStore store;
    private final RetrySchedule schedule;
    private final SyncMetrics metrics;

    public DeliveryAttemptRecorder(EventStore store, RetrySchedule schedule, SyncMetrics metrics) {
        this.store = store;
        this.schedule = schedule;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        int retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        DeliveryFailure failure = DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        long delay = schedule.delayBefore(retry);
        if (batch != null) { // null when the batch could not even be loaded: nothing to record on
            // logged by the store's outcome log
            store.recordRetry(batch.claim(), batch.openIds(), failure.reason(), failure.code(), failure.statusCode(), delay);
            batch.countRetry();
            LOG.debug("events {} retry {}/{} after {} ms", batch.openIds(), retry, schedule.maxRedeliveries(), delay);
        }
        metrics.redelivery();
    }
}
