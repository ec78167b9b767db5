package io.consentsync.didomi;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Mapping keys resolved structurally against consent events and users. */
class ConsentValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConsentValues values(String envelope) throws Exception {
        return new ConsentValues(new DidomiEvent(JSON.readTree(envelope)));
    }

    @Test
    void resolvesEveryKeyFormOfAConsentEvent() throws Exception {
        ConsentValues v = values("""
                {"type": "event.created", "parameters": {"entity": {
                  "id": "e1", "created_at": "2024-05-02T09:15:00Z",
                  "user": {"id": "u1", "organization_user_id": "jane@example.com", "metadata": {"plan": "gold", "age": 41}},
                  "consents": {
                    "purposes": [
                      {"id": "news_letter", "enabled": true, "enabled_li": false,
                       "values": {"topic_list": {"value": "sport_news,travel"}}},
                      {"id": "marketing", "enabled": null,
                       "preferences": [{"id": "offers", "enabled": false, "channels": [{"id": "email", "enabled": true}]}]}],
                    "channels": [{"id": "sms", "enabled": false}, {"id": "push", "enabled": null}]}}}}""");

        assertThat(v.resolve("organization_user_id")).contains("jane@example.com");
        assertThat(v.resolve("user_id")).contains("u1");
        assertThat(v.resolve("created_at")).contains("2024-05-02T09:15:00Z");
        assertThat(v.resolve("consents_purposes_news_letter_enabled")).contains(true);
        assertThat(v.resolve("consents_purposes_news_letter_enabled_li")).contains(false);
        assertThat(v.resolve("consents_purposes_news_letter_values_topic_list_value")).contains("sport_news,travel");
        assertThat(v.resolve("consents_purposes_news_letter_values_topic_list_sport_news_enabled")).contains(true);
        assertThat(v.resolve("consents_purposes_news_letter_values_topic_list_music_enabled")).contains(false);
        assertThat(v.resolve("consents_purposes_marketing_preferences_offers_enabled")).contains(false);
        assertThat(v.resolve("consents_purposes_marketing_preferences_offers_channel_email_enabled")).contains(true);
        assertThat(v.resolve("consents_channels_sms_enabled")).contains(false);
        assertThat(v.resolve("metadata_plan")).contains("gold");
        assertThat(v.resolve("metadata_age")).contains(41);
    }

    @Test
    void nullChoicesAndKeysAbsentFromAPartialEventResolveToNothing() throws Exception {
        ConsentValues v = values("""
                {"type": "event.created", "parameters": {"entity": {"user": {"organization_user_id": "a@b.c"},
                  "consents": {"purposes": [{"id": "marketing", "enabled": null, "values": {"topics": {"value": null}}}],
                               "channels": [{"id": "push", "enabled": null}]}}}}""");

        assertThat(v.resolve("consents_purposes_marketing_enabled")).isEqualTo(Optional.empty());
        assertThat(v.resolve("consents_purposes_marketing_values_topics_value")).isEmpty();
        assertThat(v.resolve("consents_purposes_marketing_values_topics_sport_enabled")).isEmpty();
        assertThat(v.resolve("consents_channels_push_enabled")).isEmpty();
        assertThat(v.resolve("consents_purposes_newsletter_enabled")).isEmpty();
        assertThat(v.resolve("updated_at")).isEmpty();
    }

    @Test
    void readsTheFullStateOfAUserUpdateFromNewEntity() throws Exception {
        ConsentValues v = values("""
                {"type": "user.updated", "parameters": {
                  "old_entity": {"id": "u1", "organization_user_id": "old@example.com",
                                 "consents": {"purposes": [{"id": "newsletter", "enabled": true}]}},
                  "new_entity": {"id": "u1", "organization_user_id": "jane@example.com", "updated_at": "2024-06-01T00:00:00Z",
                                 "version": 3, "metadata": {"source": "app"},
                                 "consents": {"purposes": [{"id": "newsletter", "enabled": false}]}}}}""");

        assertThat(v.resolve("organization_user_id")).contains("jane@example.com");
        assertThat(v.resolve("consents_purposes_newsletter_enabled")).contains(false);
        assertThat(v.resolve("updated_at")).contains("2024-06-01T00:00:00Z");
        assertThat(v.resolve("metadata_source")).contains("app");
    }
}
