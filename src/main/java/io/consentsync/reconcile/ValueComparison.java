package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.OffsetDateTime;

/**
 * Whether a value mapped from a Didomi user equals the value last written to a data field. The written value is the
 * one converted to the field's type (a boolean written to a Numeric field is 1/0, to a String field "true"/"false", a
 * date as ISO-8601), so values are compared as the conversion would have made them, not by their JSON type.
 */
final class ValueComparison {

    private ValueComparison() {
    }

    static boolean same(Object mapped, JsonNode written) {
        if (written == null || written.isMissingNode()) {
            return false; // unknown: written before values were kept
        }
        if (mapped == null || written.isNull()) {
            return mapped == null && written.isNull();
        }
        if (mapped instanceof Boolean b) {
            if (written.isBoolean()) {
                return written.booleanValue() == b;
            }
            if (written.isNumber()) {
                return written.decimalValue().compareTo(b ? BigDecimal.ONE : BigDecimal.ZERO) == 0;
            }
            return written.asText().equalsIgnoreCase(b.toString());
        }
        String text = mapped.toString();
        if (written.isNumber() || mapped instanceof Number) {
            try {
                return new BigDecimal(text.trim()).compareTo(new BigDecimal(written.asText().trim())) == 0;
            } catch (NumberFormatException e) {
                return text.equals(written.asText());
            }
        }
        if (written.isBoolean()) {
            return text.equalsIgnoreCase(written.asText());
        }
        if (text.equals(written.asText())) {
            return true;
        }
        try { // a Date field holds the instant of an ISO-8601 time
            return OffsetDateTime.parse(text).toInstant().toString().equals(written.asText());
        } catch (DateTimeException e) {
            return false;
        }
    }
}
