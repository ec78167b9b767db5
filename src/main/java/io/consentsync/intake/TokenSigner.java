package io.consentsync.intake;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Issues and checks webhook access tokens without server-side state: {@code base64url(clientId|expiry|nonce).hmac},
 * signed with a key derived from the client secret, so every instance that shares the secret accepts them.
 */
public class TokenSigner {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final String clientId;
    private final byte[] key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TokenSigner(String clientId, String clientSecret, Clock clock) {
        this.clientId = clientId;
        this.clock = clock;
        try {
            this.key = MessageDigest.getInstance("SHA-256")
                    .digest(("consent-sync-webhook-token:" + clientSecret).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean clientMatches(String id, String secret, String expectedSecret) {
        return MessageDigest.isEqual(bytes(clientId), bytes(id)) && MessageDigest.isEqual(bytes(expectedSecret), bytes(secret));
    }

    public String issue(long ttlSeconds) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        String claims = clientId + "|" + (clock.millis() / 1000 + ttlSeconds) + "|" + B64.encodeToString(nonce);
        String payload = B64.encodeToString(bytes(claims));
        return payload + "." + B64.encodeToString(sign(payload));
    }

    /** True for a token this connector signed, for this client, that has not expired. */
    public boolean isValid(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot < 1) {
            return false;
        }
        String payload = token.substring(0, dot);
        byte[] signature;
        String[] claims;
        try {
            signature = B64D.decode(token.substring(dot + 1));
            claims = new String(B64D.decode(payload), StandardCharsets.UTF_8).split("\\|");
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!MessageDigest.isEqual(sign(payload), signature) || claims.length != 3 || !claims[0].equals(clientId)) {
            return false;
        }
        try {
            return Long.parseLong(claims[1]) > clock.millis() / 1000;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(bytes(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
