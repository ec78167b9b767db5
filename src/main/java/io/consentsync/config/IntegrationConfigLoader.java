package io.consentsync.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads Didomi's integration JSON ({@code type_id, authentication, properties, mappings, upsert_mode}). */
public final class IntegrationConfigLoader {

    public static final Path DEFAULT_FILE = Path.of("config/integration.json");
    public static final Path EXAMPLE_FILE = Path.of("config/integration.example.json");

    /** Dotdigital's documented rule for identifier names (path parameter of the v3 contacts API). */
    private static final Pattern IDENTIFIER_NAME = Pattern.compile("[-A-Za-z0-9_]{1,50}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private IntegrationConfigLoader() {
    }

    /**
     * @param file             the configured path; when it is the default and absent, the example is used
     * @param passwordOverride {@code sync.dotdigital.password}, used when the file has no password
     */
    public static IntegrationConfig load(Path file, String passwordOverride) {
        boolean example = false;
        if (!Files.exists(file)) {
            if (!file.normalize().equals(DEFAULT_FILE) || !Files.exists(EXAMPLE_FILE)) {
                throw new InvalidConfigurationException("sync.integration-file: file not found: " + file.toAbsolutePath());
            }
            file = EXAMPLE_FILE;
            example = true;
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new InvalidConfigurationException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidConfigurationException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), root, passwordOverride, example);
    }

    static IntegrationConfig parse(String source, JsonNode root, String passwordOverride, boolean example) {
        String where = source + ": ";
        if (root == null || !root.isObject()) {
            throw new InvalidConfigurationException(where + "the integration must be a JSON object");
        }
        String typeId = text(root, "type_id");
        if (!"dotdigital".equals(typeId)) {
            throw new InvalidConfigurationException(where + "type_id must be \"dotdigital\" (found " + typeId + ")");
        }
        JsonNode auth = root.path("authentication");
        if (!auth.isObject()) {
            throw new InvalidConfigurationException(where + "authentication must be an object with url, username, password");
        }
        String url = required(auth, "url", where + "authentication.url");
        try {
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(where + "authentication.url must be the regional API URL, "
                    + "e.g. https://r1-api.dotdigital.com (" + e.getMessage() + ")");
        }
        String username = required(auth, "username", where + "authentication.username");
        String password = text(auth, "password");
        if ((password == null || password.isEmpty()) && passwordOverride != null && !passwordOverride.isEmpty()) {
            password = passwordOverride;
        }

        JsonNode props = root.path("properties");
        if (!props.isMissingNode() && !props.isNull() && !props.isObject()) {
            throw new InvalidConfigurationException(where + "properties must be an object");
        }
        String identifier = props.hasNonNull("identifier") ? props.get("identifier").asText() : "email";
        if (!IDENTIFIER_NAME.matcher(identifier).matches()) {
            throw new InvalidConfigurationException(where + "properties.identifier must match [-A-Za-z0-9_]{1,50} "
                    + "(email, mobileNumber or a custom identifier), found: " + identifier);
        }
        List<String> regulations = new ArrayList<>();
        JsonNode regs = props.path("regulations");
        if (regs.isMissingNode() || regs.isNull()) {
            regulations.add("gdpr");
        } else if (regs.isArray()) {
            regs.forEach(r -> regulations.add(r.asText()));
        } else {
            throw new InvalidConfigurationException(where + "properties.regulations must be an array of regulation ids, e.g. [\"gdpr\"]");
        }

        IntegrationConfig.OnUserDeleted onUserDeleted;
        String deleted = props.hasNonNull("on_user_deleted") ? props.get("on_user_deleted").asText() : "ignore";
        try {
            onUserDeleted = IntegrationConfig.OnUserDeleted.valueOf(deleted.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(where + "properties.on_user_deleted must be \"ignore\" or \"clear\", found: " + deleted);
        }
        JsonNode create = props.path("create_missing_data_fields");
        if (!create.isMissingNode() && !create.isNull() && !create.isBoolean()) {
            throw new InvalidConfigurationException(where + "properties.create_missing_data_fields must be true or false");
        }

        JsonNode maps = root.path("mappings");
        if (!maps.isArray() || maps.isEmpty()) {
            throw new InvalidConfigurationException(where + "mappings must be a non-empty array of {\"id\": <Dotdigital data field>, \"value\": <Didomi key>}");
        }
        List<IntegrationConfig.Mapping> mappings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < maps.size(); i++) {
            JsonNode m = maps.get(i);
            String field = required(m, "id", where + "mappings[" + i + "].id");
            String key = required(m, "value", where + "mappings[" + i + "].value");
            if (!MappingGrammar.accepts(key)) {
                throw new InvalidConfigurationException(where + "mappings[" + i + "].value \"" + key
                        + "\" is not a supported Didomi key; supported forms: " + MappingGrammar.describe());
            }
            if (!seen.add(field.toLowerCase())) {
                throw new InvalidConfigurationException(where + "mappings[" + i + "].id \"" + field + "\" is mapped twice");
            }
            mappings.add(new IntegrationConfig.Mapping(field, key));
        }

        JsonNode upsert = root.path("upsert_mode");
        if (!upsert.isMissingNode() && !upsert.isNull() && !upsert.isBoolean()) {
            throw new InvalidConfigurationException(where + "upsert_mode must be true or false");
        }
        String baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new IntegrationConfig(source, baseUrl, username, password, identifier, List.copyOf(regulations),
                List.copyOf(mappings), upsert.asBoolean(false), onUserDeleted, create.asBoolean(false), !example);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String required(JsonNode node, String field, String path) {
        String v = text(node, field);
        if (v == null || v.isBlank()) {
            throw new InvalidConfigurationException(path + " is required");
        }
        return v;
    }
}
