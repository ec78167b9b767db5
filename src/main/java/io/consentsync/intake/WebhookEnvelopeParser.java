package io.consentsync.intake;

import io.consentsync.http.RejectedRequestException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.didomi.DidomiEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks an inbound webhook request and turns it into a {@link DidomiEvent}: JSON content type (415), size limit
 * (413), well-formed JSON (400) and the envelope fields each event type needs (400, naming the field).
 */
public class WebhookEnvelopeParser implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxBodyBytes;

    public WebhookEnvelopeParser(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void process(Exchange exchange) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!isJson(contentType)) {
            throw new RejectedRequestException(415, "unsupported_media_type", "Content-Type",
                    "expected application/json, got " + (contentType == null ? "no content type" : contentType));
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new RejectedRequestException(400, "invalid_json", "body", "the request body is empty");
        }
        if (body.length > maxBodyBytes) {
            throw new RejectedRequestException(413, "payload_too_large", "body",
                    "the body has " + body.length + " bytes; the limit is " + maxBodyBytes);
        }
        JsonNode envelope;
        try {
            envelope = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // a broken limit (e.g. nesting depth) has no location
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new RejectedRequestException(400, "invalid_json", "body", "malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new RejectedRequestException(400, "invalid_json", "body", "unreadable body: " + e.getMessage());
        }
        exchange.getMessage().setBody(check(envelope));
    }

    static DidomiEvent check(JsonNode envelope) {
        if (envelope == null || !envelope.isObject()) {
            throw invalid("body", "the webhook body must be a JSON object {\"type\", \"parameters\"}");
        }
        JsonNode type = envelope.get("type");
        if (type == null || type.isNull()) {
            throw invalid("type", "type is required, e.g. \"event.created\"");
        }
        if (!type.isTextual() || type.asText().isBlank()) {
            throw invalid("type", "type must be a non-empty string");
        }
        JsonNode parameters = envelope.get("parameters");
        if (parameters == null || parameters.isNull()) {
            throw invalid("parameters", "parameters is required");
        }
        if (!parameters.isObject()) {
            throw invalid("parameters", "parameters must be an object");
        }
        JsonNode regulation = envelope.get("regulation");
        if (regulation != null && !regulation.isNull() && !regulation.isTextual()) {
            throw invalid("regulation", "regulation must be a string such as \"gdpr\"");
        }
        DidomiEvent event = new DidomiEvent(envelope);
        if (event.isKnownType()) {
            if (!event.entity().isObject()) {
                throw invalid(event.entityPath(), event.entityPath() + " is required for " + event.type() + " and must be an object");
            }
            JsonNode consents = event.consents();
            if (!consents.isMissingNode() && !consents.isNull() && !consents.isObject()) {
                throw invalid(event.entityPath() + ".consents", "consents must be an object");
            }
            JsonNode purposes = consents.path("purposes");
            if (!purposes.isMissingNode() && !purposes.isNull() && !purposes.isArray()) {
                throw invalid(event.entityPath() + ".consents.purposes", "purposes must be an array");
            }
            for (int i = 0; i < purposes.size(); i++) {
                String path = event.entityPath() + ".consents.purposes[" + i + "]";
                JsonNode purpose = purposes.get(i);
                if (!purpose.path("id").isTextual()) {
                    throw invalid(path + ".id", "every purpose needs a string id");
                }
                checkChoice(purpose, path, "enabled");
                checkChoice(purpose, path, "enabled_li");
                JsonNode preferences = purpose.path("preferences"); // API v1 shape
                for (int j = 0; preferences.isArray() && j < preferences.size(); j++) {
                    checkChoice(preferences.get(j), path + ".preferences[" + j + "]", "enabled");
                    checkChannels(preferences.get(j).path("channels"), path + ".preferences[" + j + "].channels");
                }
            }
            checkChannels(consents.path("channels"), event.entityPath() + ".consents.channels");
        }
        checkLengths(event);
        return event;
    }

    /** A consent choice is a JSON boolean or null: "no" or 0 must not reach Dotdigital as some other value. */
    private static void checkChoice(JsonNode parent, String path, String name) {
        JsonNode choice = parent.path(name);
        if (!choice.isMissingNode() && !choice.isNull() && !choice.isBoolean()) {
            throw invalid(path + "." + name, name + " must be true, false or null");
        }
    }

    private static void checkChannels(JsonNode channels, String path) {
        for (int i = 0; channels.isArray() && i < channels.size(); i++) {
            checkChoice(channels.get(i), path + "[" + i + "]", "enabled");
        }
    }

    /**
     * What the store keeps in bounded columns (db/migration) must fit: a store failure answers 503 and Didomi would
     * retry an event that can never be stored.
     */
    private static void checkLengths(DidomiEvent event) {
        checkLength("type", event.type(), 64);
        String userPath = event.isUserEvent() ? event.entityPath() : event.entityPath() + ".user";
        checkLength(userPath + ".organization_user_id", event.organizationUserId(), 512);
        String regulationPath = event.envelope().hasNonNull("regulation") ? "regulation" : event.entityPath() + ".regulation";
        checkLength(regulationPath, event.regulation(), 32);
        if (event.dedupKey().indexOf('\u0000') >= 0) {
            throw invalid(event.entityPath() + ".id", "id must not contain the NUL character (\\u0000)");
        }
        if (length(event.dedupKey()) > 600) {
            // the key is type + entity id + version or updated_at: name the longest of those
            String longest = "id";
            for (String part : new String[] {"version", "updated_at"}) {
                if (length(event.entity().path(part).asText()) > length(event.entity().path(longest).asText())) {
                    longest = part;
                }
            }
            throw invalid(event.entityPath() + "." + longest, "the event's type, id and version or updated_at "
                    + "together are longer than the 600 characters the store keeps to recognise duplicates");
        }
    }

    private static void checkLength(String field, String value, int max) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        if (length(value) > max) {
            throw invalid(field, name + " is longer than " + max + " characters");
        }
        if (value != null && value.indexOf('\u0000') >= 0) { // PostgreSQL refuses NUL in text: it could never be stored
            throw invalid(field, name + " must not contain the NUL character (\\u0000)");
        }
    }

    /**
     * Characters as the strictest store counts them: H2 counts UTF-16 units (an emoji is two), PostgreSQL code points;
     * the UTF-16 length is never smaller, so a value within it fits both.
     */
    static int length(String value) {
        return value == null ? 0 : value.length();
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase();
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }

    private static RejectedRequestException invalid(String field, String message) {
        return new RejectedRequestException(400, "invalid_event", field, message);
    }
}
