package io.consentsync.reconcile;

import io.consentsync.config.InvalidConfigurationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Didomi platform API settings ({@code sync.didomi.*}): where it is, which organization, and the API key and secret
 * a session is opened with. The secret comes from {@code sync.didomi.api-secret-file} (read at each new session, so a
 * rotated secret works without a restart) or {@code sync.didomi.api-secret}.
 */
public record DidomiSettings(String apiUrl, String organizationId, String apiKey, String apiSecret, Path apiSecretFile) {

    public DidomiSettings {
        apiUrl = apiUrl == null ? null : apiUrl.replaceAll("/+$", "");
    }

    /** The first setting a run needs and lacks, by its property name; null when the API is configured. */
    public String missingSetting() {
        if (isBlank(apiUrl)) {
            return "sync.didomi.api-url";
        }
        if (isBlank(organizationId)) {
            return "sync.didomi.organization-id";
        }
        if (isBlank(apiKey)) {
            return "sync.didomi.api-key";
        }
        if (isBlank(apiSecret) && apiSecretFile == null) {
            return "sync.didomi.api-secret";
        }
        return null;
    }

    /** The secret: the file's first line when a file is set, else the property. */
    public String secret() {
        if (apiSecretFile == null) {
            return apiSecret;
        }
        try {
            String content = Files.readString(apiSecretFile, StandardCharsets.UTF_8);
            String secret = content.lines().findFirst().orElse("");
            if (secret.isEmpty()) {
                throw new InvalidConfigurationException("sync.didomi.api-secret-file " + apiSecretFile + " is empty");
            }
            return secret;
        } catch (IOException e) {
            throw new InvalidConfigurationException("sync.didomi.api-secret-file " + apiSecretFile + " cannot be read: " + e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public String toString() {
        return "DidomiSettings[apiUrl=" + apiUrl + ", organizationId=" + organizationId + ", apiKey="
                + (isBlank(apiKey) ? "<missing>" : "****") + ", secret=" + (missingSetting() == null ? "****" : "<missing>") + "]";
    }
}
