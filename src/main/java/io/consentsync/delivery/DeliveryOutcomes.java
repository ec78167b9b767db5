package io.consentsync.delivery;

import io.consentsync.dotdigital.AccountPause;
import io.consentsync.store.EventOutcome;
import io.consentsync.store.ReasonCode;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventStore;
import io.consentsync.store.StoredEvent;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.Map;

/** The delivery route's recording steps: each writes the outcome of a contact's batch to the event store. */
public class DeliveryOutcomes {

    private final EventStore store;
    private final AccountPause pause;

    public DeliveryOutcomes(EventStore store, AccountPause pause) {
        this.store = store;
        this.pause = pause;
    }

    /** Events that carry none of the mapped Didomi keys are skipped at once; the rest of the batch goes on. */
    public void skipUnmapped(ContactBatch batch) {
        List<StoredEvent> unmapped = batch.takeUnmapped();
        if (!unmapped.isEmpty()) {
            store.record(batch.claim(), unmapped.stream().map(e -> new EventOutcome(e, EventStatus.SKIPPED,
                    "the event carries none of the mapped Didomi keys", null, null, ReasonCode.NOTHING_TO_WRITE)).toList());
        }
    }

    /**
     * Events whose values cannot be converted to their data fields' types are dead, each on its own; the contact is
     * freed when none of its events is left to write.
     */
    public void deadUnconvertible(ContactBatch batch) {
        List<EventOutcome> rejected = batch.takeRejected();
        if (batch.openEvents().isEmpty()) {
            store.finishBatch(batch.claim(), rejected);
        } else if (!rejected.isEmpty()) {
            store.record(batch.claim(), rejected);
        }
    }

    /**
     * Every open event of the batch gets skipped for the same reason, and the contact is free again. {@code code} is
     * what the metric label comes from ({@link ReasonCode}'s name, as the YAML passes it); {@code reason} is for people.
     */
    public void skipAll(ContactBatch batch, ReasonCode code, String reason, Integer responseCode) {
        if (responseCode != null) {
            pause.answered();
        }
        store.finishBatch(batch.claim(), batch.allOutcomes(EventStatus.SKIPPED, code, reason, responseCode));
    }

    /** Newer choices already hold every field the batch sets. */
    public void staleAll(ContactBatch batch) {
        store.finishBatch(batch.claim(), batch.staleOutcomes());
    }

    /** Dotdigital accepted the write: each event is delivered with the values that came from it. */
    @SuppressWarnings("unchecked")
    public void delivered(Exchange exchange) {
        pause.answered();
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        Map<String, Object> written = exchange.getVariable(ExchangeVariables.DATA_FIELDS_WRITTEN, Map.class);
        int events = batch.openEvents().size();
        String how = events > 1 ? "coalesced " + events + " events of this contact into one write" : null;
        store.finishBatch(batch.claim(), batch.outcomesAfterWrite(written,
                exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class), how,
                events > 1 ? ReasonCode.COALESCED : ReasonCode.OK));
    }

    /**
     * Nothing is left to write once properties.resubscribe held back the opt-ins of a contact who opted out in
     * Dotdigital: each event says so (or is stale when a newer event of the batch set its targets).
     */
    public void notResubscribed(Exchange exchange) {
        pause.answered();
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        store.finishBatch(batch.claim(), batch.outcomesAfterWrite(Map.of(),
                exchange.getVariable(ExchangeVariables.LOOKUP_STATUS_CODE, Integer.class), null, ReasonCode.OK));
    }

    /** The looked-up contact already holds every value: nothing is sent, and the events are delivered by that fact. */
    @SuppressWarnings("unchecked")
    public void alreadyHeld(Exchange exchange) {
        pause.answered();
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        Map<String, Object> fields = exchange.getVariable(ExchangeVariables.DATA_FIELDS_WRITTEN, Map.class);
        store.finishBatch(batch.claim(), batch.outcomesAfterWrite(fields,
                exchange.getVariable(ExchangeVariables.LOOKUP_STATUS_CODE, Integer.class),
                "Dotdigital already held these values: no write sent", ReasonCode.ALREADY_HELD));
    }
}
