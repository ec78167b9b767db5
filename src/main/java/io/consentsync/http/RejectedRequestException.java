package io.consentsync.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP request the connector refuses, with the status to answer and a JSON body naming the problem:
 * {@code {"error": <code>, "field": <json path or header>, "message": <text>}}.
 */
public class RejectedRequestException extends RuntimeException {

    private final int status;
    private final String error;
    private final String field;
    private final String challenge;
    private final String retryAfter;

    public RejectedRequestException(int status, String error, String field, String message) {
        this(status, error, field, message, null);
    }

    /** @param challenge the WWW-Authenticate value for 401 answers */
    public RejectedRequestException(int status, String error, String field, String message, String challenge) {
        this(status, error, field, message, challenge, null);
    }

    /** @param retryAfter the Retry-After value (seconds) for 429 answers */
    public RejectedRequestException(int status, String error, String field, String message, String challenge,
                                    String retryAfter) {
        super(message);
        this.status = status;
        this.error = error;
        this.field = field;
        this.challenge = challenge;
        this.retryAfter = retryAfter;
    }

    public String retryAfter() {
        return retryAfter;
    }

    public int status() {
        return status;
    }

    public String challenge() {
        return challenge;
    }

    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (field != null) {
            body.put("field", field);
        }
        body.put("message", getMessage());
        return body;
    }
}
