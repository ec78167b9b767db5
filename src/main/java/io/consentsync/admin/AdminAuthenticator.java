package io.consentsync.admin;

import io.consentsync.intake.RejectedRequestException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** HTTP Basic check for the admin API; the API stays closed (403) until {@code sync.admin.password} is set. */
public class AdminAuthenticator implements Processor {

    private static final String CHALLENGE = "Basic realm=\"consent-sync-admin\", charset=\"UTF-8\"";

    private final byte[] expected; // null: admin API disabled

    public AdminAuthenticator(String username, String password) {
        this.expected = password == null || password.isEmpty() ? null
                : (username + ":" + password).getBytes(StandardCharsets.UTF_8);
    }

    public boolean isEnabled() {
        return expected != null;
    }

    @Override
    public void process(Exchange exchange) {
        if (expected == null) {
            throw new RejectedRequestException(403, "admin_disabled", null,
                    "the admin API is disabled: set sync.admin.password to enable it");
        }
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        byte[] given = null;
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                given = Base64.getDecoder().decode(header.substring(6).trim());
            } catch (IllegalArgumentException e) {
                given = null;
            }
        }
        if (given == null || !MessageDigest.isEqual(expected, given)) {
            throw new RejectedRequestException(401, "unauthorized", "Authorization",
                    "admin credentials required (HTTP Basic)", CHALLENGE);
        }
        exchange.getMessage().removeHeader("Authorization");
    }
}
