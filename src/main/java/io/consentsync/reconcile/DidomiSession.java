package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The Didomi API session: the access token of {@code POST /sessions}, added by the HTTP client of the Didomi endpoints
 * ({@code httpClientConfigurer=#didomiSession}) to every call but the session call itself. Like the Dotdigital
 * credentials, the token never sits in a message header, an endpoint URI or a log line (the component skips message
 * headers anyway). Held in memory only: a restarted connector opens a new session.
 */
public class DidomiSession implements HttpClientConfigurer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DidomiSettings settings;
    private volatile String token;

    public DidomiSession(DidomiSettings settings) {
        this.settings = settings;
    }

    public DidomiSettings settings() {
        return settings;
    }

    public boolean needsToken() {
        return token == null;
    }

    /** The body of {@code POST /sessions}: {@code {"type":"api-key","key":…,"secret":…}}. */
    public String sessionRequest() {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "api-key");
        body.put("key", settings.apiKey());
        body.put("secret", settings.secret());
        return body.toString();
    }

    /** Keeps the {@code access_token} of a session answer; false when the answer has none. */
    boolean accept(JsonNode answer) {
        String t = answer.path("access_token").asText("");
        if (t.isEmpty()) {
            return false;
        }
        token = t;
        return true;
    }

    /** The token expired or was refused (401): the next call opens a new session first. */
    public void invalidate() {
        token = null;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addRequestInterceptorFirst((request, entity, context) -> {
            String t = token;
            if (t != null && !request.getPath().endsWith("/sessions")) {
                request.setHeader("Authorization", "Bearer " + t);
            }
            request.setHeader("Accept", "application/json");
        });
    }

    @Override
    public String toString() {
        return "DidomiSession[" + (token == null ? "no token" : "****") + "]";
    }
}
