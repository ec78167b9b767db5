package io.consentsync.dotdigital;

import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Dead-letter step: the event is {@code dead} with Dotdigital's status code and error text; replay brings it back. */
public class DeadEventRecorder implements Processor {

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
        store.markDead(id, failure.reason(), failure.statusCode()); // logged by the store's outcome log
    }
}
