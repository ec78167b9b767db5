package io.consentsync.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Didomi's integration JSON: accepted as Didomi writes it, refused with a message naming the key. */
class IntegrationConfigLoaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static IntegrationConfig parse(String json, String passwordOverride) throws Exception {
        return IntegrationConfigLoader.parse("test.json", JSON.readTree(json), passwordOverride, false);
    }

    private static String config(String authentication, String mappings, String extra) {
        return "{\"type_id\": \"dotdigital\", \"authentication\": " + authentication + ", \"properties\": {}, \"mappings\": "
                + mappings + extra + "}";
    }

    private static final String AUTH = "{\"url\": \"https://r1-api.dotdigital.com/\", \"username\": \"apiuser-1@apiconnector.com\", \"password\": \"pw\"}";
    private static final String MAPPINGS = "[{\"id\": \"NEWSLETTER\", \"value\": \"consents_purposes_newsletter_enabled\"}]";

    @Test
    void readsDidomisOwnExample() throws Exception {
        IntegrationConfig c = parse(config(AUTH, MAPPINGS, ", \"upsert_mode\": true"), null);
        assertThat(c.baseUrl()).isEqualTo("https://r1-api.dotdigital.com");
        assertThat(c.upsertMode()).isTrue();
        assertThat(c.identifier()).isEqualTo("email");
        assertThat(c.regulations()).containsExactly("gdpr");
        assertThat(c.mappings()).containsExactly(new IntegrationConfig.Mapping("NEWSLETTER", "consents_purposes_newsletter_enabled"));
        assertThat(c.toString()).doesNotContain("pw");
    }

    @Test
    void takesThePasswordFromThePropertyWhenTheFileHasNone() throws Exception {
        IntegrationConfig c = parse(config("{\"url\": \"https://r2-api.dotdigital.com\", \"username\": \"u\"}", MAPPINGS, ""), "from-env");
        assertThat(c.password()).isEqualTo("from-env");
        assertThat(c.upsertMode()).isFalse();
        assertThat(c.readyForDelivery()).isTrue();
    }

    @Test
    void refusesWhatItCannotUseNamingTheKey() {
        assertRefused("{\"type_id\": \"hubspot\"}", "type_id must be \"dotdigital\"");
        assertRefused(config("{\"username\": \"u\"}", MAPPINGS, ""), "authentication.url is required");
        assertRefused(config("{\"url\": \"r1-api\", \"username\": \"u\"}", MAPPINGS, ""), "authentication.url must be the regional API URL");
        assertRefused(config(AUTH, "[]", ""), "mappings must be a non-empty array");
        assertRefused(config(AUTH, "[{\"id\": \"X\", \"value\": \"consents_purposes_newsletter\"}]", ""),
                "mappings[0].value \"consents_purposes_newsletter\" is not a supported Didomi key");
        assertRefused(config(AUTH, "[{\"id\": \"X\", \"value\": \"user_id\"}, {\"id\": \"x\", \"value\": \"created_at\"}]", ""),
                "mappings[1].id \"x\" is mapped twice");
        assertRefused(config(AUTH, MAPPINGS, ", \"upsert_mode\": \"yes\""), "upsert_mode must be true or false");
        assertRefused(config(AUTH, MAPPINGS, "").replace("\"properties\": {}", "\"properties\": {\"identifier\": \"e mail\"}"),
                "properties.identifier");
    }

    @Test
    void fallsBackToTheExampleOnlyForTheDefaultPath() {
        IntegrationConfig example = IntegrationConfigLoader.load(IntegrationConfigLoader.DEFAULT_FILE, null);
        assertThat(example.configured()).isFalse();
        assertThat(example.readyForDelivery()).isFalse();
        assertThatThrownBy(() -> IntegrationConfigLoader.load(Path.of("config/nope.json"), null))
                .hasMessageContaining("sync.integration-file: file not found");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> parse(json, null)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining(message);
    }
}
