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
 * (variable {@code contactId}) or the PATCH answer. Without a usable one the removal fails with
 * {@link NoContactIdException}: permanent, never redelivered, the events dead with reason code {@code no_contact_id}.
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
            Long id = contactId(JSON.readTree(answer).path("contactId"));
            if (id != null) {
                exchange.setVariable(ExchangeVariables.CONTACT_ID, id);
            }
        } catch (IOException e) {
            // not JSON: the lookup's id, if any, stands; removalUrls says when there is none
        }
    }

    /**
     * A contact id as Dotdigital's answers carry it: a whole positive JSON number, else null (missing, text, a
     * fraction: {@code canConvertToLong} alone would turn 12.5 into 12, a different contact).
     */
    public static Long contactId(JsonNode id) {
        if (id == null || !id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() <= 0) {
            return null;
        }
        return id.asLong();
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
            throw new NoContactIdException("cannot leave lists " + lists + ": Dotdigital's answer gave no usable "
                    + "contactId (missing, or not a whole positive number)");
        }
        return lists.stream().map(id -> baseUrl.get() + "/v2/address-books/" + id + "/contacts/" + contactId).toList();
    }
}
