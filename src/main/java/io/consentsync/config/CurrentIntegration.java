package io.consentsync.config;

import io.consentsync.dotdigital.DotdigitalCredentials;
import io.consentsync.http.RejectedRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The integration JSON in force, reloadable without a restart ({@code POST /admin/config/reload}). Every bean reads
 * it through {@link #get()} once per piece of work, so a batch is mapped with one configuration from start to end,
 * and the next write uses the new one. A reload that does not validate leaves the running configuration in force.
 */
public class CurrentIntegration implements Supplier<IntegrationConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(CurrentIntegration.class);
    /** The key a loader message names first: {@code mappings[0].value}, {@code authentication.url}, ... */
    private static final Pattern KEY = Pattern.compile("(?:^|: )([a-z_]+(?:\\[\\d+])?(?:\\.[a-z_]+(?:\\[\\d+])?)*)[ :]");

    private final Path file;
    private final String passwordOverride;
    private final Path passwordFile;
    private final DotdigitalCredentials credentials;
    private volatile IntegrationConfig current;

    public CurrentIntegration(Path file, String passwordOverride, Path passwordFile, DotdigitalCredentials credentials) {
        this.file = file;
        this.passwordOverride = passwordOverride;
        this.passwordFile = passwordFile;
        this.credentials = credentials;
        this.current = load();
        credentials.use(current.username(), current.password());
        current.warnings().forEach(w -> LOG.warn("Configuration: {}", w));
    }

    @Override
    public IntegrationConfig get() {
        return current;
    }

    /** For the routes: delivery runs only against a real account. */
    public boolean readyForDelivery() {
        return current.readyForDelivery();
    }

    /**
     * Re-reads the integration JSON and the password file. Valid: it is in force for the next write. Invalid: 400
     * with the startup message (naming the key), and the running configuration stays. The Dotdigital account itself
     * (authentication.url, authentication.username) is fixed for the process: the routes and the shared pauses are
     * built on it, so changing it takes a restart.
     */
    public synchronized Map<String, Object> reload() {
        IntegrationConfig next;
        try {
            next = load();
        } catch (InvalidConfigurationException e) {
            LOG.warn("Configuration reload refused, the running configuration stays: {}", e.getMessage());
            throw new RejectedRequestException(400, "invalid_configuration", keyIn(e.getMessage()), e.getMessage());
        }
        if (!next.baseUrl().equals(current.baseUrl())) {
            throw refused("authentication.url", "authentication.url changed: the Dotdigital region takes a restart");
        }
        if (!java.util.Objects.equals(next.username(), current.username())) {
            throw refused("authentication.username", "authentication.username changed: another API user takes a restart");
        }
        current = next;
        credentials.use(next.username(), next.password());
        LOG.info("Configuration reloaded: {}", next);
        next.warnings().forEach(w -> LOG.warn("Configuration: {}", w));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reloaded", true);
        answer.put("source", next.source());
        answer.put("mappings", next.mappings().size());
        answer.put("upsertMode", next.upsertMode());
        answer.put("readyForDelivery", next.readyForDelivery());
        return answer;
    }

    private IntegrationConfig load() {
        IntegrationConfig loaded = IntegrationConfigLoader.load(file, passwordOverride);
        // a mounted secret wins over the JSON's password and sync.dotdigital.password
        return passwordFile == null ? loaded : loaded.withPassword(DotdigitalCredentials.readPasswordFile(passwordFile));
    }

    private RejectedRequestException refused(String key, String message) {
        LOG.warn("Configuration reload refused, the running configuration stays: {}", message);
        return new RejectedRequestException(400, "invalid_configuration", key, message);
    }

    static String keyIn(String message) {
        Matcher m = KEY.matcher(message);
        return m.find() ? m.group(1) : "sync.integration-file";
    }
}
