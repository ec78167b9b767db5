package io.consentsync.dotdigital;

import io.consentsync.delivery.ExchangeVariables;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.util.Map;

/**
 * Folds the reply of {@code GET /contacts/v3/{identifier}/{value}} into the delivery exchange without touching its
 * body: variables {@code contactFound}, {@code contactStatus}, {@code lookupStatusCode} and {@code currentDataFields};
 * for channels and lists also {@code contactId}, {@code currentChannels} (channel to status) and {@code currentLists}.
 * The lookup endpoint accepts 404 as an answer; any other failure throws before this runs and is retried by the
 * error handler. Its rate-limit headers are read by the HTTP client ({@link DotdigitalCredentials}), like every answer's.
 */
public class ContactLookupStrategy implements AggregationStrategy {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Exchange aggregate(Exchange original, Exchange lookup) {
        int code = lookup.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        boolean found = code >= 200 && code < 300;
        String status = null;
        Map<String, Object> dataFields = Map.of();
        Long contactId = null;
        Map<String, String> channels = new java.util.HashMap<>();
        java.util.Set<Integer> lists = new java.util.HashSet<>();
        if (found) {
            try {
                JsonNode contact = JSON.readTree(lookup.getMessage().getBody(String.class));
                status = contact.path("status").asText(null);
                if (contact.path("dataFields").isObject()) {
                    dataFields = JSON.convertValue(contact.get("dataFields"), new TypeReference<Map<String, Object>>() { });
                }
                contactId = ListMembership.contactId(contact.path("contactId"));
                contact.path("channelProperties").fields().forEachRemaining(c -> {
                    if (c.getValue().path("status").isTextual()) {
                        channels.put(c.getKey(), c.getValue().path("status").asText());
                    }
                });
                // an answer without channelProperties.email still says the email status at the top (older shape):
                // read it, so an opt-in never resubscribes someone only because the answer was shaped differently
                if (status != null && !channels.containsKey("email")) {
                    channels.put("email", status);
                }
                contact.path("lists").forEach(l -> {
                    if (l.path("id").canConvertToInt()) {
                        lists.add(l.path("id").asInt());
                    }
                });
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("Dotdigital returned an unreadable contact: " + e.getMessage(), e);
            }
        }
        original.setVariable(ExchangeVariables.CONTACT_FOUND, found);
        original.setVariable(ExchangeVariables.CONTACT_STATUS, status);
        original.setVariable(ExchangeVariables.LOOKUP_STATUS_CODE, code);
        original.setVariable(ExchangeVariables.CURRENT_DATA_FIELDS, dataFields);
        original.setVariable(ExchangeVariables.CONTACT_ID, contactId);
        original.setVariable(ExchangeVariables.CURRENT_CHANNELS, channels);
        original.setVariable(ExchangeVariables.CURRENT_LISTS, lists);
        return original;
    }
}
