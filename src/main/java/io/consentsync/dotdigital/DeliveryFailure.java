package io.consentsync.dotdigital;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.store.ReasonCode;
import org.apache.camel.http.base.HttpOperationFailedException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * Why a delivery attempt failed, in words an operator can act on: the HTTP status and Dotdigital's own error text
 * (v3 {@code errorCode - description}, v2 {@code message}), never the request URL (it holds the contact).
 */
public record DeliveryFailure(Integer statusCode, String reason, boolean isTransient, ReasonCode code) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Transient: worth trying again later (5xx, 408, no connection, no answer in time). Anything else (another 4xx, an
     * error of our own) is permanent. 429 and 401/403 never get here: they pause the client instead.
     */
    public static DeliveryFailure of(Throwable error) {
        Throwable t = error;
        while (t != null) {
            if (t instanceof HttpOperationFailedException http) {
                int code = http.getStatusCode();
                return new DeliveryFailure(code, "HTTP " + code + " from Dotdigital: " + errorText(http),
                        code >= 500 || code == 408, ReasonCode.HTTP_ERROR);
            }
            if (t instanceof NoContactIdException noId) {
                return new DeliveryFailure(null, noId.getMessage(), false, ReasonCode.NO_CONTACT_ID);
            }
            if (t instanceof ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof org.apache.hc.core5.http.NoHttpResponseException) {
                return new DeliveryFailure(null, "cannot connect to Dotdigital: " + t.getMessage(), true, ReasonCode.CONNECTION);
            }
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
                return new DeliveryFailure(null, "Dotdigital did not answer in time: " + t.getMessage(), true, ReasonCode.TIMEOUT);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return new DeliveryFailure(null, error == null ? "unknown error"
                : error.getClass().getSimpleName() + ": " + error.getMessage(), false, ReasonCode.OTHER);
    }

    private static String errorText(HttpOperationFailedException http) {
        String body = http.getResponseBody();
        if (body == null || body.isBlank()) {
            return http.getStatusText() == null ? "(no body)" : http.getStatusText();
        }
        try {
            JsonNode error = JSON.readTree(body);
            if (error.hasNonNull("errorCode")) {
                return error.get("errorCode").asText() + " - " + error.path("description").asText("");
            }
            if (error.hasNonNull("message")) {
                return error.get("message").asText();
            }
        } catch (java.io.IOException e) {
            // not JSON: fall through to the raw text
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
