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
            throw new InvalidConfigurationException(where + "properties.on_user_deleted must be \"ignore\", \"clear\" or "
                    + "\"unsubscribe\", found: " + deleted);
        }
        JsonNode create = props.path("create_missing_data_fields");
        if (!create.isMissingNode() && !create.isNull() && !create.isBoolean()) {
            throw new InvalidConfigurationException(where + "properties.create_missing_data_fields must be true or false");
        }

        List<IntegrationConfig.Channel> channels = channels(props.path("channels"), where);
        IntegrationConfig.Resubscribe resubscribe = resubscribe(props.path("resubscribe"), where);
        List<IntegrationConfig.ListMapping> lists = lists(props.path("lists"), where);
        if (onUserDeleted == IntegrationConfig.OnUserDeleted.UNSUBSCRIBE && channels.isEmpty()) {
            throw new InvalidConfigurationException(where + "properties.on_user_deleted is \"unsubscribe\" but "
                    + "properties.channels maps no channel to unsubscribe");
        }

        JsonNode maps = root.path("mappings");
        boolean channelsOrLists = !channels.isEmpty() || !lists.isEmpty();
        if (channelsOrLists && (maps.isMissingNode() || maps.isNull() || maps.isArray() && maps.isEmpty())) {
            maps = JSON.createArrayNode(); // channels or lists alone are something to write
        } else if (!maps.isArray() || maps.isEmpty()) {
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
                List.copyOf(mappings), upsert.asBoolean(false), onUserDeleted, create.asBoolean(false), !example,
                channels, resubscribe, lists);
    }

    /** Dotdigital's channels this connector sets a status on, and the email opt-in types Dotdigital accepts. */
    private static final List<String> CHANNELS = List.of("email", "sms");
    private static final List<String> OPT_IN_TYPES = List.of("single", "double", "verifiedDouble");

    /** {@code properties.channels}: {@code {"email": {"value": <boolean key>, "opt_in_type": ...}, "sms": {...}}}. */
    private static List<IntegrationConfig.Channel> channels(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new InvalidConfigurationException(where + "properties.channels must be an object such as "
                    + "{\"email\": {\"value\": \"consents_purposes_newsletter_enabled\"}}");
        }
        List<IntegrationConfig.Channel> channels = new ArrayList<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var entry = it.next();
            String name = entry.getKey();
            String path = "properties.channels." + name;
            if (!CHANNELS.contains(name)) {
                throw new InvalidConfigurationException(where + path + ": unknown channel \"" + name
                        + "\"; supported channels: " + String.join(", ", CHANNELS));
            }
            JsonNode c = entry.getValue();
            if (!c.isObject()) {
                throw new InvalidConfigurationException(where + path + " must be an object with value (and opt_in_type for email)");
            }
            String key = required(c, "value", where + path + ".value");
            booleanKey(key, where + path + ".value");
            for (var names = c.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!field.equals("value") && !(field.equals("opt_in_type") && name.equals("email"))) {
                    throw new InvalidConfigurationException(where + path + "." + field + " is not a setting of channel "
                            + name + (field.equals("opt_in_type") ? " (opt_in_type is for email only)" : ""));
                }
            }
            String optIn = null;
            if (name.equals("email")) {
                optIn = c.hasNonNull("opt_in_type") ? c.get("opt_in_type").asText() : "single";
                if (!OPT_IN_TYPES.contains(optIn)) {
                    throw new InvalidConfigurationException(where + path + ".opt_in_type must be one of "
                            + String.join(", ", OPT_IN_TYPES) + ", found: " + optIn);
                }
            }
            channels.add(new IntegrationConfig.Channel(name, key, optIn));
        }
        return List.copyOf(channels);
    }

    private static IntegrationConfig.Resubscribe resubscribe(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return IntegrationConfig.Resubscribe.NEVER;
        }
        String value = node.asText();
        for (IntegrationConfig.Resubscribe r : IntegrationConfig.Resubscribe.values()) {
            if (node.isTextual() && r.name().toLowerCase(java.util.Locale.ROOT).equals(value)) {
                return r;
            }
        }
        throw new InvalidConfigurationException(where + "properties.resubscribe must be \"never\", \"with_challenge\" or "
                + "\"without_challenge\", found: " + node);
    }

    /** {@code properties.lists}: {@code [{"id": 123, "value": <boolean key>}]}. */
    private static List<IntegrationConfig.ListMapping> lists(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidConfigurationException(where + "properties.lists must be an array of {\"id\": <list id>, "
                    + "\"value\": <boolean Didomi key>}");
        }
        List<IntegrationConfig.ListMapping> lists = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode l = node.get(i);
            String path = "properties.lists[" + i + "]";
            JsonNode id = l.path("id");
            if (!id.canConvertToInt() || !id.isIntegralNumber() || id.asInt() < 1) {
                throw new InvalidConfigurationException(where + path + ".id must be a Dotdigital list id (a positive "
                        + "whole number), found: " + id);
            }
            String key = required(l, "value", where + path + ".value");
            booleanKey(key, where + path + ".value");
            if (!seen.add(id.asInt())) {
                throw new InvalidConfigurationException(where + path + ".id " + id.asInt() + " is mapped twice");
            }
            lists.add(new IntegrationConfig.ListMapping(id.asInt(), key));
        }
        return List.copyOf(lists);
    }

    private static void booleanKey(String key, String path) {
        if (!MappingGrammar.isBoolean(key)) {
            throw new InvalidConfigurationException(path + " \"" + key + "\" is not a boolean Didomi key; a channel "
                    + "or a list follows a choice: " + MappingGrammar.describeBoolean());
        }
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
