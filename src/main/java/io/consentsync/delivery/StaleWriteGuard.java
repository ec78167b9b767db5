package io.consentsync.delivery;

import io.consentsync.mapping.WriteTargets;
import io.consentsync.store.ContactFieldStates;
import io.consentsync.store.StoredEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-field monotonic writes: drops from the write every data field whose current Dotdigital value comes from a
 * later consent choice than the one the batch would write, so a late or replayed older event never overwrites a
 * newer choice. The batch notes which fields were kept back and why.
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
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        Map<String, ContactFieldStates.FieldState> current = states.load(batch.contactKey(), fields.keySet());
        Map<String, Object> fresh = new LinkedHashMap<>();
        fields.forEach((field, value) -> {
            ContactFieldStates.FieldState state = current.get(field);
            StoredEvent source = batch.sourceOf(field);
            if (state != null && state.isNewerThan(source.consentTime(), source.consentVersion())) {
                batch.keepBack(field, "holds a newer choice (" + state.consentTime() + ", event " + state.eventId() + ")");
            } else {
                fresh.put(field, value);
            }
        });
        exchange.getMessage().setBody(fresh);
    }

    /** After Dotdigital holds the values: remember, per field, the choice behind its value. */
    @SuppressWarnings("unchecked")
    public void recordWritten(Exchange exchange) {
        record(exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class), exchange.getVariable(ExchangeVariables.DATA_FIELDS_WRITTEN, Map.class));
    }

    /**
     * Right after the PATCH: remember the choices Dotdigital holds now, all but the lists still to leave (a v2 DELETE
     * each, after it). Recorded before those DELETEs, so a contact whose list removal then fails for good (dead) still
     * keeps an older choice from overwriting the values it was written.
     */
    @SuppressWarnings("unchecked")
    public void recordPatched(Exchange exchange) {
        Map<String, Object> written = new LinkedHashMap<>(exchange.getVariable(ExchangeVariables.DATA_FIELDS_WRITTEN, Map.class));
        written.entrySet().removeIf(StaleWriteGuard::isListLeft);
        record(exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class), written);
    }

    /** After the DELETEs: remember the lists the contact left. */
    @SuppressWarnings("unchecked")
    public void recordListsLeft(Exchange exchange) {
        Map<String, Object> left = new LinkedHashMap<>(exchange.getVariable(ExchangeVariables.DATA_FIELDS_WRITTEN, Map.class));
        left.entrySet().removeIf(e -> !isListLeft(e));
        if (!left.isEmpty()) {
            record(exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class), left);
        }
    }

    private static boolean isListLeft(Map.Entry<String, Object> write) {
        return WriteTargets.isList(write.getKey()) && WriteTargets.REMOVED.equals(write.getValue());
    }

    public void record(ContactBatch batch, Map<String, Object> written) {
        Map<StoredEvent, List<String>> fieldsBySource = new LinkedHashMap<>();
        written.keySet().forEach(field -> fieldsBySource.computeIfAbsent(batch.sourceOf(field), e -> new ArrayList<>()).add(field));
        states.recordWritten(batch.claim(), fieldsBySource.entrySet().stream().map(e -> new ContactFieldStates.Written(
                e.getValue(), e.getKey().consentTime(), e.getKey().consentVersion(), e.getKey().id(), written)).toList());
    }
}
