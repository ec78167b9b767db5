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

    private static String withProperties(String properties, String extra) {
        return config(AUTH, MAPPINGS, extra).replace("\"properties\": {}", "\"properties\": " + properties);
    }

    @Test
    void readsChannelsResubscribeAndLists() throws Exception {
        IntegrationConfig c = parse(withProperties("""
                {"channels": {"email": {"value": "consents_purposes_newsletter_enabled", "opt_in_type": "verifiedDouble"},
                              "sms": {"value": "consents_channels_sms_enabled"}},
                 "resubscribe": "with_challenge",
                 "lists": [{"id": 123, "value": "consents_purposes_newsletter_enabled_li"},
                           {"id": 9, "value": "consents_purposes_marketing_values_topics_cycling_enabled"}],
                 "on_user_deleted": "unsubscribe"}""", ""), null);
        assertThat(c.channels()).containsExactly(
                new IntegrationConfig.Channel("email", "consents_purposes_newsletter_enabled", "verifiedDouble"),
                new IntegrationConfig.Channel("sms", "consents_channels_sms_enabled", null));
        assertThat(c.resubscribe()).isEqualTo(IntegrationConfig.Resubscribe.WITH_CHALLENGE);
        assertThat(c.lists()).containsExactly(new IntegrationConfig.ListMapping(123, "consents_purposes_newsletter_enabled_li"),
                new IntegrationConfig.ListMapping(9, "consents_purposes_marketing_values_topics_cycling_enabled"));
        assertThat(c.onUserDeleted()).isEqualTo(IntegrationConfig.OnUserDeleted.UNSUBSCRIBE);
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void defaultsToNoChannelsNoListsNeverResubscribeAndSingleOptIn() throws Exception {
        IntegrationConfig none = parse(config(AUTH, MAPPINGS, ""), null);
        assertThat(none.channels()).isEmpty();
        assertThat(none.lists()).isEmpty();
        assertThat(none.resubscribe()).isEqualTo(IntegrationConfig.Resubscribe.NEVER);
        IntegrationConfig email = parse(withProperties("{\"channels\": {\"email\": {\"value\": \"consents_purposes_x_enabled\"}}}", ""), null);
        assertThat(email.channels().get(0).optInType()).isEqualTo("single");
        // channels alone are something to write: mappings may then be left out
        IntegrationConfig only = parse("""
                {"type_id": "dotdigital", "authentication": %s,
                 "properties": {"channels": {"sms": {"value": "consents_channels_sms_enabled"}}}}""".formatted(AUTH), null);
        assertThat(only.mappings()).isEmpty();
    }

    @Test
    void warnsWhenUpsertModeMapsNoEmailChannel() throws Exception {
        assertThat(parse(config(AUTH, MAPPINGS, ", \"upsert_mode\": true"), null).warnings())
                .singleElement().asString().contains("creates new contacts as subscribed");
        assertThat(parse(withProperties("{\"channels\": {\"sms\": {\"value\": \"consents_channels_sms_enabled\"}}}",
                ", \"upsert_mode\": true"), null).warnings()).hasSize(1);
        assertThat(parse(withProperties("{\"channels\": {\"email\": {\"value\": \"consents_purposes_x_enabled\"}}}",
                ", \"upsert_mode\": true"), null).warnings()).isEmpty();
        assertThat(parse(config(AUTH, MAPPINGS, ""), null).warnings()).as("update only: nothing is created").isEmpty();
    }

    @Test
    void refusesBadChannelsListsAndResubscribeNamingTheKey() {
        assertRefused(withProperties("{\"channels\": {\"email\": {\"value\": \"consents_purposes_marketing_values_topics_value\"}}}", ""),
                "properties.channels.email.value \"consents_purposes_marketing_values_topics_value\" is not a boolean Didomi key");
        assertRefused(withProperties("{\"channels\": {\"email\": {\"value\": \"updated_at\"}}}", ""),
                "properties.channels.email.value \"updated_at\" is not a boolean Didomi key");
        assertRefused(withProperties("{\"channels\": {\"fax\": {\"value\": \"consents_channels_fax_enabled\"}}}", ""),
                "properties.channels.fax: unknown channel \"fax\"");
        assertRefused(withProperties("{\"channels\": {\"email\": {\"value\": \"consents_purposes_x_enabled\", \"opt_in_type\": \"triple\"}}}", ""),
                "properties.channels.email.opt_in_type must be one of single, double, verifiedDouble, found: triple");
        assertRefused(withProperties("{\"channels\": {\"sms\": {\"value\": \"consents_channels_sms_enabled\", \"opt_in_type\": \"double\"}}}", ""),
                "properties.channels.sms.opt_in_type is not a setting of channel sms");
        assertRefused(withProperties("{\"channels\": {\"email\": {}}}", ""), "properties.channels.email.value is required");
        assertRefused(withProperties("{\"resubscribe\": \"always\"}", ""), "properties.resubscribe must be \"never\", \"with_challenge\" or \"without_challenge\"");
        assertRefused(withProperties("{\"lists\": [{\"id\": \"news\", \"value\": \"consents_purposes_x_enabled\"}]}", ""),
                "properties.lists[0].id must be a Dotdigital list id");
        assertRefused(withProperties("{\"lists\": [{\"id\": 5, \"value\": \"metadata_plan\"}]}", ""),
                "properties.lists[0].value \"metadata_plan\" is not a boolean Didomi key");
        assertRefused(withProperties("{\"lists\": [{\"id\": 5, \"value\": \"consents_purposes_x_enabled\"}, {\"id\": 5, \"value\": \"consents_purposes_y_enabled\"}]}", ""),
                "properties.lists[1].id 5 is mapped twice");
        assertRefused(withProperties("{\"on_user_deleted\": \"unsubscribe\"}", ""),
                "properties.on_user_deleted is \"unsubscribe\" but properties.channels maps no channel");
    }
}
