package io.consentsync.dotdigital;

import io.consentsync.delivery.RateLimitDeferral;

import io.consentsync.config.InvalidConfigurationException;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * HTTP Basic credentials of the Dotdigital API user, added by the HTTP client itself to every call: they never sit
 * in an endpoint URI, a message header or an exchange dump, so no log can print them. With
 * {@code sync.dotdigital.password-file} the password is re-read from that file before each probe of a paused
 * delivery, so a rotated secret (a Kubernetes or systemd credential) works without a restart.
 * <p>
 * The same client reads Dotdigital's rate-limit headers from every answer (a response interceptor feeding
 * {@link RateLimitGate#observe(java.util.function.Function)}): every call of every route passes through it, so no route
 * step and no bean has to remember to. A 429 is left to the error handler ({@link RateLimitDeferral}), which reads
 * {@code Retry-After} too.
 */
public class DotdigitalCredentials implements HttpClientConfigurer {

    private static final Logger LOG = LoggerFactory.getLogger(DotdigitalCredentials.class);

    private final Path passwordFile; // null: the password comes with the integration JSON
    private volatile String username = "";
    private volatile String authorization;
    private volatile RateLimitGate rateLimit; // null: answers are not observed (tests of the credentials alone)
    private volatile io.consentsync.monitoring.DotdigitalCalls calls; // null: calls are not recorded

    public DotdigitalCredentials(Path passwordFile) {
        this.passwordFile = passwordFile;
    }

    /** The API user and password in force (at startup and after a configuration reload). */
    public void use(String apiUser, String password) {
        this.username = apiUser == null ? "" : apiUser;
        this.authorization = basic(password);
    }

    /** The password in {@code file} (one line; a trailing newline is not part of it). */
    public static String readPasswordFile(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            String password = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            if (password.isEmpty()) {
                throw new InvalidConfigurationException("sync.dotdigital.password-file " + file + " is empty");
            }
            return password;
        } catch (IOException e) {
            throw new InvalidConfigurationException("sync.dotdigital.password-file " + file + " cannot be read: " + e);
        }
    }

    /** Re-reads the password file, if there is one; keeps the current password when the file cannot be read. */
    public void reloadPasswordFile() {
        if (passwordFile == null) {
            return;
        }
        try {
            String next = basic(readPasswordFile(passwordFile));
            if (!next.equals(authorization)) {
                authorization = next;
                LOG.info("Dotdigital password re-read from sync.dotdigital.password-file (changed)");
            }
        } catch (InvalidConfigurationException e) {
            LOG.warn("{}; keeping the current password", e.getMessage());
        }
    }

    /** Every answer from Dotdigital (but a 429) is shown to {@code gate}: {@code x-ratelimit-remaining: 0} pauses. */
    public void readRateLimitsWith(RateLimitGate gate) {
        this.rateLimit = gate;
    }

    /** Every answer from Dotdigital (a 429 too) is recorded in {@code recent}, for the dotdigital developer console. */
    public void recordCallsIn(io.consentsync.monitoring.DotdigitalCalls recent) {
        this.calls = recent;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // per request, not a default header: a re-read password applies to clients already built
        builder.addRequestInterceptorFirst((request, entity, context) -> request.setHeader("Authorization", authorization));
        builder.addResponseInterceptorLast((response, entity, context) -> {
            observe(response);
            record(response, context);
        });
    }

    private void observe(HttpResponse response) {
        RateLimitGate gate = rateLimit;
        if (gate != null && response.getCode() != 429) {
            gate.observe(name -> {
                Header header = response.getFirstHeader(name);
                return header == null ? null : header.getValue();
            });
        }
    }

    private void record(HttpResponse response, org.apache.hc.core5.http.protocol.HttpContext context) {
        io.consentsync.monitoring.DotdigitalCalls recent = calls;
        org.apache.hc.core5.http.HttpRequest request =
                context instanceof org.apache.hc.core5.http.protocol.HttpCoreContext core ? core.getRequest() : null;
        if (recent != null && request != null) {
            recent.record(request.getMethod(), request.getPath(), response.getCode());
        }
    }

    private String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "DotdigitalCredentials[****]";
    }
}
