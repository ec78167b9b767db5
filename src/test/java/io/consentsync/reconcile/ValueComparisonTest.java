package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Didomi value equals the value last written when the conversion to the field's type would have written it: a
 * boolean in a Boolean, String ("true") or Numeric (1/0) field, a time in a Date field, a number as a number.
 */
class ValueComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode written(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void valuesAreComparedAsTheirFieldHoldsThem() throws Exception {
        assertThat(ValueComparison.same(true, written("true"))).isTrue();
        assertThat(ValueComparison.same(true, written("false"))).isFalse();
        assertThat(ValueComparison.same(true, written("\"true\""))).isTrue();
        assertThat(ValueComparison.same(false, written("0"))).isTrue();
        assertThat(ValueComparison.same(true, written("0"))).isFalse();
        assertThat(ValueComparison.same("news,offers", written("\"news,offers\""))).isTrue();
        assertThat(ValueComparison.same("news", written("\"news,offers\""))).isFalse();
        assertThat(ValueComparison.same(3, written("3.0"))).isTrue();
        assertThat(ValueComparison.same("2024-06-01T12:00:00.000+02:00", written("\"2024-06-01T10:00:00Z\""))).isTrue();
    }

    @Test
    void aValueNeverRecordedOrClearedIsNotTheSame() throws Exception {
        assertThat(ValueComparison.same(true, null)).as("written before values were kept").isFalse();
        assertThat(ValueComparison.same(true, written("null"))).as("cleared").isFalse();
    }
}
