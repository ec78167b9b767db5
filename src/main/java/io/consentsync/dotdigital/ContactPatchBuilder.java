package io.consentsync.dotdigital;

import io.consentsync.delivery.ExchangeVariables;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the body of {@code PATCH /contacts/v3/{identifier}/{value}}: {@code identifiers} and the converted
 * {@code dataFields} only. Never a channel status: a data-field mapping must not (re)subscribe anybody.
 */
public class ContactPatchBuilder implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> dataFields = exchange.getMessage().getMandatoryBody(Map.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifiers", Map.of(exchange.getVariable(ExchangeVariables.IDENTIFIER_TYPE, String.class),
                exchange.getVariable(ExchangeVariables.IDENTIFIER_VALUE, String.class)));
        body.put("dataFields", dataFields);
        exchange.setVariable(ExchangeVariables.DATA_FIELDS_WRITTEN, dataFields);
        exchange.getMessage().setBody(JSON.writeValueAsString(body));
    }
}
