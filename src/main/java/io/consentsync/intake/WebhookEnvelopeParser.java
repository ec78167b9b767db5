package io.consentsync.intake;

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
            throw new RejectedRequestException(400, "invalid_json", "body",
                    "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
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
                if (!purposes.get(i).path("id").isTextual()) {
                    throw invalid(event.entityPath() + ".consents.purposes[" + i + "].id", "every purpose needs a string id");
                }
            }
        }
        return event;
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
