package io.consentsync.dotdigital;

import io.consentsync.config.RetrySchedule;
import io.consentsync.observe.SyncMetrics;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error handler's {@code onRedelivery} hook: before each retry, records on the event that it is
 * {@code retrying}, the attempt count and why, so the admin API and a restart see it.
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
        String id = exchange.getVariable("eventId", String.class);
        int retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        DeliveryFailure failure = DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        long delay = schedule.delayBefore(retry);
        store.recordRetry(id, failure.reason(), failure.statusCode(), delay); // logged by the store's outcome log
        metrics.redelivery();
        LOG.debug("event {} retry {}/{} after {} ms", id, retry, schedule.maxRedeliveries(), delay);
    }
}
