package io.consentsync.mapping;

import io.consentsync.delivery.ExchangeVariables;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.config.IntegrationConfig;
import io.consentsync.delivery.ContactBatch;
import io.consentsync.didomi.ConsentValues;
import io.consentsync.didomi.DidomiEvent;
import io.consentsync.store.Claim;
import io.consentsync.store.StoredEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the events of one contact (body: {@code List<StoredEvent>} in consent order) to the Dotdigital data fields
 * they set, coalesced into one write: body becomes {@code Map<field, raw value>}, each field from the newest choice
 * that sets it (only keys an event carries, no null choices; every mapped field as null for a user.deleted under
 * {@code on_user_deleted: clear}). {@code properties.channels} and {@code properties.lists} add their targets to
 * the same map ({@link WriteTargets}: {@code channel:<name>}, {@code list:<id>}, the Didomi boolean as value; every
 * channel false and every list false for a user.deleted under {@code on_user_deleted: unsubscribe}), so they coalesce
 * and are guarded like data fields. Variable {@code batch} keeps which event each value comes from; the other
 * variables are what the guard, the lookup and the write need.
 */
public class ConsentMapper implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final java.util.function.Supplier<IntegrationConfig> config;

    public ConsentMapper(java.util.function.Supplier<IntegrationConfig> config) {
        this.config = config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        IntegrationConfig cfg = config.get(); // one configuration for the whole batch, even across a reload
        List<StoredEvent> events = exchange.getMessage().getMandatoryBody(List.class);
        StoredEvent first = events.get(0);
        ContactBatch batch = new ContactBatch(exchange.getVariable(ExchangeVariables.CLAIM, Claim.class));
        Map<String, String> sources = new LinkedHashMap<>();
        boolean newestDeletes = false;
        for (StoredEvent stored : events) { // consent order: a later choice overrides an earlier one
            DidomiEvent event = new DidomiEvent(JSON.readTree(stored.payload()));
            // only pending under on_user_deleted = clear or unsubscribe
            boolean deletion = event.type().equals("user.deleted");
            ConsentValues values = new ConsentValues(event);
            Map<String, Object> fields = new LinkedHashMap<>();
            if (deletion && cfg.onUserDeleted() == IntegrationConfig.OnUserDeleted.UNSUBSCRIBE) {
                for (IntegrationConfig.Channel c : cfg.channels()) { // every mapped channel unsubscribed
                    fields.put(WriteTargets.channel(c.name()), false);
                    sources.put(WriteTargets.channel(c.name()), "user.deleted");
                }
                for (IntegrationConfig.ListMapping l : cfg.lists()) { // and every mapped list left
                    fields.put(WriteTargets.list(l.id()), false);
                    sources.put(WriteTargets.list(l.id()), "user.deleted");
                }
            } else {
                for (IntegrationConfig.Mapping m : cfg.mappings()) {
                    if (deletion) {
                        fields.put(m.dataField(), null); // Dotdigital clears a data field sent as null
                        sources.put(m.dataField(), "user.deleted");
                    } else {
                        values.resolve(m.didomiKey()).ifPresent(v -> {
                            fields.put(m.dataField(), v);
                            sources.put(m.dataField(), m.didomiKey());
                        });
                    }
                }
                if (!deletion) { // a key absent from the event, or null, sends nothing for its channel or list
                    for (IntegrationConfig.Channel c : cfg.channels()) {
                        values.resolve(c.didomiKey()).ifPresent(v -> {
                            fields.put(WriteTargets.channel(c.name()), v);
                            sources.put(WriteTargets.channel(c.name()), c.didomiKey());
                        });
                    }
                    for (IntegrationConfig.ListMapping l : cfg.lists()) {
                        values.resolve(l.didomiKey()).ifPresent(v -> {
                            fields.put(WriteTargets.list(l.id()), v);
                            sources.put(WriteTargets.list(l.id()), l.didomiKey());
                        });
                    }
                }
            }
            batch.add(stored, fields);
            if (!fields.isEmpty()) {
                newestDeletes = deletion;
            }
        }
        exchange.setVariable(ExchangeVariables.BATCH, batch);
        exchange.setVariable(ExchangeVariables.IDENTIFIER_TYPE, cfg.identifier());
        exchange.setVariable(ExchangeVariables.IDENTIFIER_VALUE, first.organizationUserId());
        exchange.setVariable(ExchangeVariables.IDENTIFIER_PATH, encodePathSegment(first.organizationUserId()));
        Map<String, Object> merged = batch.mergedFields();
        // a deletion never creates a contact just to clear it: look it up even in upsert mode; so does an opt-in (its
        // channel may be unsubscribed in Dotdigital, properties.resubscribe decides) and a list removal (its contact id)
        exchange.setVariable(ExchangeVariables.LOOKUP_REQUIRED, !cfg.upsertMode() || newestDeletes
                || WriteTargets.hasOptIn(merged) || WriteTargets.hasListRemoval(merged));
        exchange.setVariable(ExchangeVariables.MAY_CREATE, cfg.upsertMode() && !newestDeletes);
        exchange.setVariable(ExchangeVariables.MAPPING_SOURCES, sources);
        exchange.getMessage().setBody(merged);
    }

    /** RFC 3986 path segment: unreserved characters and '@' stay, everything else (incl. '+', ''', '/') is %XX. */
    public static String encodePathSegment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
