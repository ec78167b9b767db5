package io.consentsync.dotdigital;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.delivery.ExchangeVariables;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code properties.lists} removals: v3 contacts only join lists ({@code lists: [id]}), so leaving one is
 * {@code DELETE /v2/address-books/{id}/contacts/{contactId}}, which needs Dotdigital's contact id: from the lookup
 * (variable {@code contactId}) or the PATCH answer.
 */
public class ListMembership {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<String> baseUrl;

    public ListMembership(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** After the PATCH: the contact id its answer carries (a created contact has no other). */
    public void rememberContactId(Exchange exchange) {
        String answer = exchange.getMessage().getBody(String.class);
        if (answer == null || answer.isBlank()) {
            return;
        }
        try {
            JsonNode id = JSON.readTree(answer).path("contactId");
            if (id.canConvertToLong()) {
                exchange.setVariable(ExchangeVariables.CONTACT_ID, id.asLong());
            }
        } catch (IOException e) {
            // not JSON: the lookup's id, if any, stands; removalUrls says when there is none
        }
    }

    /** One URL per list to leave (variable {@code listRemovals}). */
    @SuppressWarnings("unchecked")
    public List<String> removalUrls(Exchange exchange) {
        List<Integer> lists = exchange.getVariable(ExchangeVariables.LIST_REMOVALS, List.class);
        Long contactId = exchange.getVariable(ExchangeVariables.CONTACT_ID, Long.class);
        if (lists == null || lists.isEmpty()) {
            return List.of();
        }
        if (contactId == null) {
            throw new IllegalStateException("cannot leave lists " + lists + ": Dotdigital gave no contact id");
        }
        return lists.stream().map(id -> baseUrl.get() + "/v2/address-books/" + id + "/contacts/" + contactId).toList();
    }
}
