package io.consentsync.dotdigital;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.util.Map;

/**
 * Folds the reply of {@code GET /contacts/v3/{identifier}/{value}} into the delivery exchange without touching its
 * body: variables {@code contactFound}, {@code contactStatus}, {@code lookupStatusCode} and {@code currentDataFields}.
 * The lookup endpoint accepts 404 as an answer; any other failure throws before this runs and is retried by the
 * error handler.
 */
public class ContactLookupStrategy implements AggregationStrategy {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RateLimitGate rateLimit;

    public ContactLookupStrategy(RateLimitGate rateLimit) {
        this.rateLimit = rateLimit;
    }

    @Override
    public Exchange aggregate(Exchange original, Exchange lookup) {
        rateLimit.observe(lookup);
        int code = lookup.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        boolean found = code >= 200 && code < 300;
        String status = null;
        Map<String, Object> dataFields = Map.of();
        if (found) {
            try {
                JsonNode contact = JSON.readTree(lookup.getMessage().getBody(String.class));
                status = contact.path("status").asText(null);
                if (contact.path("dataFields").isObject()) {
                    dataFields = JSON.convertValue(contact.get("dataFields"), new TypeReference<Map<String, Object>>() { });
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("Dotdigital returned an unreadable contact: " + e.getMessage(), e);
            }
        }
        original.setVariable("contactFound", found);
        original.setVariable("contactStatus", status);
        original.setVariable("lookupStatusCode", code);
        original.setVariable("currentDataFields", dataFields);
        return original;
    }
}
