package io.consentsync.ordering;

import io.consentsync.store.ContactFieldStates;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-field monotonic writes: drops from the write every data field whose current Dotdigital value comes from a
 * later consent choice than this event's, so a late or replayed older event never overwrites a newer choice.
 * Variable {@code staleNote} says which fields were kept back and why (null when none).
 */
public class StaleWriteGuard implements Processor {

    private final ContactFieldStates states;

    public StaleWriteGuard(ContactFieldStates states) {
        this.states = states;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> fields = exchange.getMessage().getMandatoryBody(Map.class);
        Instant time = exchange.getVariable("consentTime", Instant.class);
        long version = exchange.getVariable("consentVersion", 0L, Long.class);
        Map<String, ContactFieldStates.FieldState> current =
                states.load(exchange.getVariable("contactKey", String.class), fields.keySet());
        Map<String, Object> fresh = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        fields.forEach((field, value) -> {
            ContactFieldStates.FieldState state = current.get(field);
            if (state != null && state.isNewerThan(time, version)) {
                kept.add(field + " holds a newer choice (" + state.consentTime() + ", event " + state.eventId() + ")");
            } else {
                fresh.put(field, value);
            }
        });
        exchange.setVariable("staleNote", kept.isEmpty() ? null : "not written: " + String.join("; ", kept));
        exchange.getMessage().setBody(fresh);
    }

    /** After Dotdigital accepted the write: remember the choice behind each written field. */
    @SuppressWarnings("unchecked")
    public void recordWritten(Exchange exchange) {
        Map<String, Object> written = exchange.getVariable("dataFieldsWritten", Map.class);
        states.recordWritten(exchange.getVariable("contactKey", String.class), written.keySet(),
                exchange.getVariable("consentTime", Instant.class), exchange.getVariable("consentVersion", 0L, Long.class),
                exchange.getVariable("eventId", String.class));
    }
}
