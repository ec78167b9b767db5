package io.consentsync.mapping;

import io.consentsync.delivery.ExchangeVariables;
import io.consentsync.delivery.ContactBatch;
import io.consentsync.store.StoredEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts each mapped value to its data field's type: Boolean as a JSON boolean, String as text ("true"/"false"
 * for booleans), Numeric as a number (1/0 for booleans), Date as ISO-8601. Checked event by event: an event with a
 * value its field's type cannot hold leaves the batch ({@code dead}, with a reason naming field, value type and key)
 * and the other events of the contact are still written. A field the account lacks never gets here (the mapping
 * check pauses the batch first, step mapping-pauses-delivery); only one deleted in the instant between that step and
 * this one still fails its events. Body in: the batch's merged fields; body out: the merged fields of the events that
 * remain, converted.
 */
public class DataFieldConverter implements Processor {

    private final DataFieldCatalog catalog;

    public DataFieldConverter(DataFieldCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        Map<String, String> sources = exchange.getVariable(ExchangeVariables.MAPPING_SOURCES, Map.class);
        for (StoredEvent event : batch.openEvents()) {
            List<String> problems = new ArrayList<>();
            convertAll(batch.fieldsOf(event), sources, problems);
            if (!problems.isEmpty()) {
                batch.reject(event, "mapping: " + String.join("; ", problems));
            }
        }
        exchange.getMessage().setBody(convertAll(batch.mergedFields(), sources, new ArrayList<>()));
    }

    /** Converts what it can; each value it cannot convert adds a problem naming the field and the Didomi key. */
    private Map<String, Object> convertAll(Map<String, Object> raw, Map<String, String> sources, List<String> problems) {
        Map<String, Object> converted = new LinkedHashMap<>();
        raw.forEach((field, value) -> {
            String from = sources == null ? field : sources.get(field);
            if (!WriteTargets.isDataField(field)) { // a channel status or a list membership: a choice, no field type
                String v = WriteTargets.converted(field, value);
                if (v == null) {
                    problems.add(field + " needs a choice (true or false) and cannot follow " + describe(value) + " from " + from);
                } else {
                    converted.put(field, v);
                }
                return;
            }
            DataFieldCatalog.DataField target = catalog.find(field).orElse(null);
            if (target == null) {
                problems.add("data field " + field + " (mapped from " + from + ") does not exist in Dotdigital");
                return;
            }
            if (value == null) {
                converted.put(target.name(), null); // clearing: any type holds null
                return;
            }
            Object v = convert(value, target.type());
            if (v == null) {
                problems.add("data field " + target.name() + " has type " + target.type() + " and cannot hold "
                        + describe(value) + " from " + from);
            } else {
                converted.put(target.name(), v);
            }
        });
        return converted;
    }

    /** The value in the field's type, or null when the type cannot hold it. */
    static Object convert(Object value, String type) {
        switch (type.toLowerCase()) {
            case "boolean":
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(s);
                }
                return null;
            case "numeric":
                if (value instanceof Boolean b) {
                    return b ? 1 : 0;
                }
                if (value instanceof Number) {
                    return value;
                }
                try {
                    return new BigDecimal(value.toString().trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            case "date":
                return value instanceof String s ? isoDate(s) : null;
            case "string":
                return value.toString();
            default:
                return null;
        }
    }

    private static String isoDate(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant().toString();
        } catch (DateTimeException e) {
            try {
                return LocalDate.parse(s).toString();
            } catch (DateTimeException e2) {
                return null;
            }
        }
    }

    /** The value and its JSON type: metadata's type is only known per event, so the reason says which it was. */
    private static String describe(Object value) {
        if (value instanceof String) {
            return "\"" + value + "\" (text)";
        }
        return value + (value instanceof Boolean ? " (a boolean)" : value instanceof Number ? " (a number)" : "");
    }
}
