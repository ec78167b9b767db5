package io.consentsync.dotdigital;

import io.consentsync.config.InvalidConfigurationException;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
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
 */
public class DotdigitalCredentials implements HttpClientConfigurer {

    private static final Logger LOG = LoggerFactory.getLogger(DotdigitalCredentials.class);

    private final Path passwordFile; // null: the password comes with the integration JSON
    private volatile String username = "";
    private volatile String authorization;

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

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // per request, not a default header: a re-read password applies to clients already built
        builder.addRequestInterceptorFirst((request, entity, context) -> request.setHeader("Authorization", authorization));
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
