package io.consentsync.delivery;

import io.consentsync.mapping.DataFieldCatalog;
import io.consentsync.mapping.WriteTargets;
import org.apache.camel.Exchange;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Whether the looked-up contact already holds every value the write would send (variable {@code currentDataFields}
 * against the body), so the PATCH can be left out. When in doubt (a format it cannot compare) it says no: a
 * needless write costs one call, a missed one would lose a choice.
 */
public class UnchangedValues {

    private final DataFieldCatalog catalog;

    public UnchangedValues(DataFieldCatalog catalog) {
        this.catalog = catalog;
    }

    @SuppressWarnings("unchecked")
    public boolean alreadyHeld(Exchange exchange) {
        Map<String, Object> write = exchange.getMessage().getBody(Map.class);
        Map<String, Object> current = exchange.getVariable(ExchangeVariables.CURRENT_DATA_FIELDS, Map.class);
        if (write == null || write.isEmpty() || !Boolean.TRUE.equals(exchange.getVariable(ExchangeVariables.CONTACT_FOUND))
                || exchange.getVariable(ExchangeVariables.RESUBSCRIBE) != null) {
            return false;
        }
        Map<String, Object> held = new TreeMap<>(String.CASE_INSENSITIVE_ORDER); // field names are case-insensitive
        if (current != null) {
            held.putAll(current);
        }
        boolean writesDataFields = write.keySet().stream().anyMatch(WriteTargets::isDataField);
        if (writesDataFields && held.isEmpty()) {
            return false;
        }
        Map<String, String> channels = exchange.getVariable(ExchangeVariables.CURRENT_CHANNELS, Map.class);
        java.util.Set<Integer> lists = exchange.getVariable(ExchangeVariables.CURRENT_LISTS, java.util.Set.class);
        return write.entrySet().stream().allMatch(e -> {
            String target = e.getKey();
            if (WriteTargets.isChannel(target)) {
                String status = channels == null ? null : channels.get(WriteTargets.channelName(target));
                return WriteTargets.SUBSCRIBED.equals(e.getValue()) ? "subscribed".equalsIgnoreCase(String.valueOf(status))
                        : ResubscribePolicy.optedOut(status);
            }
            if (WriteTargets.isList(target)) {
                boolean member = lists != null && lists.contains(WriteTargets.listId(target));
                return WriteTargets.ADDED.equals(e.getValue()) == member;
            }
            return same(e.getValue(), held.get(target), isDate(target));
        });
    }

    private boolean isDate(String field) {
        return catalog.find(field).map(f -> f.type().equalsIgnoreCase("date")).orElse(false);
    }

    static boolean same(Object wanted, Object held, boolean date) {
        if (wanted == null || held == null) {
            return wanted == null && held == null;
        }
        if (wanted instanceof Number || held instanceof Number) {
            try {
                return new BigDecimal(wanted.toString()).compareTo(new BigDecimal(held.toString())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (wanted instanceof Boolean || held instanceof Boolean) {
            return wanted.toString().equalsIgnoreCase(held.toString());
        }
        if (wanted.equals(held)) {
            return true;
        }
        if (!date) {
            return false;
        }
        Instant a = instant(wanted.toString());
        return a != null && Objects.equals(a, instant(held.toString()));
    }

    /** A date or date-time as an instant (UTC when it names no offset), or null when it is neither. */
    private static Instant instant(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeException e1) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e2) {
                try {
                    return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeException e3) {
                    return null;
                }
            }
        }
    }
}
