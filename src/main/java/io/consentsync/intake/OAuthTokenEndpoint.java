package io.consentsync.intake;

import io.consentsync.http.HttpRequests;
import io.consentsync.http.RejectedRequestException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OAuth 2 client-credentials token endpoint (RFC 6749 section 4.4) for Didomi's webhook authentication. The client
 * authenticates with HTTP Basic or with the form fields {@code client_id}/{@code client_secret} of the body (never the
 * query string).
 */
public class OAuthTokenEndpoint implements Processor {

    private final TokenSigner signer; // null: webhook authentication is not configured
    private final String clientSecret;
    private final long ttlSeconds;

    public OAuthTokenEndpoint(TokenSigner signer, String clientSecret, long ttlSeconds) {
        this.signer = signer;
        this.clientSecret = clientSecret;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public void process(Exchange exchange) {
        if (signer == null) {
            throw new RejectedRequestException(404, "not_configured", null,
                    "webhook authentication is off: set sync.webhook.client-id and sync.webhook.client-secret");
        }
        Map<String, String> form = form(exchange);
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = HttpRequests.header(exchange, "Authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalidClient();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw invalidClient();
            }
            id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        }
        String grant = form.get("grant_type");
        if (grant == null) {
            throw new RejectedRequestException(400, "invalid_request", "grant_type", "grant_type is required");
        }
        if (!"client_credentials".equals(grant)) {
            throw new RejectedRequestException(400, "unsupported_grant_type", "grant_type",
                    "only grant_type=client_credentials is supported");
        }
        if (id == null || secret == null || !signer.clientMatches(id, secret, clientSecret)) {
            throw invalidClient();
        }
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("access_token", signer.issue(ttlSeconds));
        token.put("token_type", "Bearer");
        token.put("expires_in", ttlSeconds);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setBody(token);
    }

    private static RejectedRequestException invalidClient() {
        return new RejectedRequestException(401, "invalid_client", "client_id",
                "client authentication failed", "Basic realm=\"oauth\"");
    }

    /** Form fields from the urlencoded body only: credentials in the query string end up in logs and histories. */
    private static Map<String, String> form(Exchange exchange) {
        Map<String, String> form = new HashMap<>();
        for (String name : new String[] {"grant_type", "client_id", "client_secret"}) {
            String v = HttpRequests.form(exchange).get(name);
            if (v != null) {
                form.put(name, v);
            }
        }
        return form;
    }
}
