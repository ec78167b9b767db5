package io.consentsync.intake;

import io.consentsync.http.HttpRequests;
import io.consentsync.http.RejectedRequestException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the Bearer token Didomi obtained from {@code POST /oauth/token}. Open when no client secret is configured.
 */
public class WebhookAuthenticator implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAuthenticator.class);
    private static final String CHALLENGE = "Bearer realm=\"didomi-webhook\"";

    private final TokenSigner signer; // null: authentication disabled

    public WebhookAuthenticator(TokenSigner signer) {
        this.signer = signer;
        if (signer == null) {
            // anyone who can reach the port can write consent: say so loudly, once, at startup
            LOG.warn("The webhook accepts events WITHOUT authentication: set sync.webhook.client-id and "
                    + "sync.webhook.client-secret (and the same in Didomi) before exposing it");
        }
    }

    @Override
    public void process(Exchange exchange) {
        if (signer == null) {
            return;
        }
        // the real header only: platform-http also turns ?Authorization=... into a message header
        String header = HttpRequests.header(exchange, "Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new RejectedRequestException(401, "invalid_token", "Authorization",
                    "a Bearer token from POST /oauth/token is required", CHALLENGE);
        }
        if (!signer.isValid(header.substring(7).trim())) {
            throw new RejectedRequestException(401, "invalid_token", "Authorization",
                    "the access token is invalid or expired", CHALLENGE + ", error=\"invalid_token\"");
        }
        exchange.getMessage().removeHeader("Authorization");
    }
}
