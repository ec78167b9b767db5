package io.consentsync.intake;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks the Bearer token Didomi obtained from {@code POST /oauth/token}. Open when no client secret is configured.
 */
public class WebhookAuthenticator implements Processor {

    private static final String CHALLENGE = "Bearer realm=\"didomi-webhook\"";

    private final TokenSigner signer; // null: authentication disabled

    public WebhookAuthenticator(TokenSigner signer) {
        this.signer = signer;
    }

    @Override
    public void process(Exchange exchange) {
        if (signer == null) {
            return;
        }
        String header = exchange.getMessage().getHeader("Authorization", String.class);
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
