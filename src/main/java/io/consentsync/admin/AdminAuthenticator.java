package io.consentsync.admin;

import io.consentsync.http.HttpRequests;
import io.consentsync.http.RejectedRequestException;
import io.vertx.core.net.HostAndPort;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP Basic check for the admin API; the API stays closed (403) until {@code sync.admin.password} is set.
 * Too many failed logins from one address lock that address out (429) for a while. State-changing calls (POST) must
 * come from the connector's own pages (Origin) and carry JSON or nothing, so another site cannot post a form to them.
 */
public class AdminAuthenticator implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthenticator.class);
    private static final String CHALLENGE = "Basic realm=\"consent-sync-admin\", charset=\"UTF-8\"";
    private static final long WINDOW_MS = 60_000; // failures are counted per minute
    /** Addresses remembered at most: an attacker rotating addresses evicts the oldest, memory stays bounded. */
    static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final byte[] expected; // null: admin API disabled
    private final int maxFailures;
    private final long lockoutMs;
    private final Clock clock;
    private final Map<String, Failures> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_TRACKED_ADDRESSES;
        }
    };

    private static final class Failures {
        long windowStart;
        int count;
        long lockedUntil;
    }

    public AdminAuthenticator(String username, String password) {
        this(username, password, 10, 60, Clock.systemUTC());
    }

    public AdminAuthenticator(String username, String password, int maxFailures, long lockoutSeconds, Clock clock) {
        this.expected = password == null || password.isEmpty() ? null
                : (username + ":" + password).getBytes(StandardCharsets.UTF_8);
        this.maxFailures = maxFailures;
        this.lockoutMs = lockoutSeconds * 1000;
        this.clock = clock;
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
        if ("POST".equals(HttpRequests.method(exchange))) {
            checkSameOriginJson(exchange);
        }
        String address = HttpRequests.remoteAddress(exchange);
        long retryAfter = lockedSeconds(address);
        if (retryAfter > 0) {
            throw locked(retryAfter);
        }
        // the real header only: platform-http also turns ?Authorization=... into a message header
        String header = HttpRequests.header(exchange, "Authorization");
        byte[] given = null;
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                given = Base64.getDecoder().decode(header.substring(6).trim());
            } catch (IllegalArgumentException e) {
                given = null;
            }
        }
        if (given == null || !MessageDigest.isEqual(expected, given)) {
            // no header at all is a browser's first request before it asks for credentials, not a guess
            if (header != null) {
                failed(address);
            }
            throw new RejectedRequestException(401, "unauthorized", "Authorization",
                    "admin credentials required (HTTP Basic)", CHALLENGE);
        }
        synchronized (failures) {
            failures.remove(address);
        }
        exchange.getMessage().removeHeader("Authorization");
    }

    private long lockedSeconds(String address) {
        synchronized (failures) {
            Failures f = failures.get(address);
            long left = f == null ? 0 : f.lockedUntil - clock.millis();
            return left <= 0 ? 0 : (left + 999) / 1000;
        }
    }

    void failed(String address) {
        long now = clock.millis();
        synchronized (failures) {
            Failures f = failures.computeIfAbsent(address, a -> new Failures());
            if (now - f.windowStart >= WINDOW_MS) {
                f.windowStart = now;
                f.count = 0;
            }
            if (++f.count >= maxFailures) {
                f.lockedUntil = now + lockoutMs;
                f.count = 0;
                f.windowStart = now + lockoutMs;
                // once per lockout: the requests refused during it are not logged
                LOG.warn("Admin API: {} failed logins from {} within a minute; refusing that address for {} s",
                        maxFailures, address, lockoutMs / 1000);
            }
        }
    }

    int trackedAddresses() {
        synchronized (failures) {
            return failures.size();
        }
    }

    private static RejectedRequestException locked(long retryAfterSeconds) {
        return new RejectedRequestException(429, "too_many_failed_logins", "Authorization",
                "too many failed logins from this address; retry after " + retryAfterSeconds + " s", null,
                String.valueOf(retryAfterSeconds));
    }

    /**
     * A browser sends Origin on a cross-site POST and the attacker chooses the body type; a form or text body needs
     * no CORS preflight. Refuse both, so the browser's remembered Basic credentials cannot be ridden.
     */
    private static void checkSameOriginJson(Exchange exchange) {
        String origin = HttpRequests.header(exchange, "Origin");
        if (origin != null && !sameOrigin(origin, HttpRequests.authority(exchange))) {
            throw new RejectedRequestException(403, "cross_origin", "Origin",
                    "state-changing admin calls are accepted only from the connector's own pages");
        }
        String contentType = HttpRequests.header(exchange, "Content-Type");
        String media = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase();
        byte[] body = exchange.getMessage().getBody(byte[].class);
        boolean hasBody = body != null && body.length > 0;
        if ((hasBody || !media.isEmpty()) && !media.equals("application/json")) {
            throw new RejectedRequestException(415, "unsupported_media_type", "Content-Type",
                    "send application/json or no body");
        }
    }

    /** The Origin (e.g. {@code http://example.com:8080}; "null" never matches) names the host the request went to. */
    private static boolean sameOrigin(String origin, HostAndPort requested) {
        URI uri;
        try {
            uri = URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (requested == null || uri.getHost() == null || !uri.getHost().equalsIgnoreCase(requested.host())) {
            return false;
        }
        int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        return originPort == (requested.port() < 0 ? defaultPort : requested.port());
    }
}
