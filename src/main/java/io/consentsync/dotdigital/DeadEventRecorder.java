package io.consentsync.dotdigital;

import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dead-letter step: the event is {@code dead} with Dotdigital's status code and error text; replay brings it back. */
public class DeadEventRecorder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeadEventRecorder.class);

    private final EventStore store;

    public DeadEventRecorder(EventStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getVariable("eventId", String.class);
        if (id == null) {
            id = exchange.getMessage().getBody(String.class);
        }
        DeliveryFailure failure = DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        store.markDead(id, failure.reason(), failure.statusCode());
        LOG.error("event {} is dead: {}", id, failure.reason());
    }
}
