package io.consentsync.monitoring;

import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The masking behind the properties, system-properties, jvm and main-configuration consoles. */
class MaskedConsoleTest {

    @Test
    void masksSecretsInPropertyPairsMapsAndCommandLineOptions() {
        JsonObject pair = new JsonObject(Map.of("key", "sync.dotdigital.password", "value", "pw1", "originalValue", "pw1",
                "source", "override"));
        JsonObject plain = new JsonObject(Map.of("key", "sync.webhook.path", "value", "/webhooks/didomi"));
        JsonObject system = new JsonObject(Map.of("sync.admin.password", "pw2", "user.dir", "/opt/app"));
        JsonArray args = new JsonArray(List.of("-Dsync.store.password=pw3", "-Xmx512m", "-Dsync.webhook.path=/w"));
        JsonObject root = new JsonObject(Map.of("properties", new JsonArray(List.of(pair, plain)),
                "systemProperties", system, "inputArguments", args));

        String masked = ((JsonObject) MaskedConsole.mask(root, false)).toJson().replace("\\/", "/");

        assertThat(masked).doesNotContain("pw1", "pw2", "pw3")
                .contains("sync.dotdigital.password", "override", "/webhooks/didomi", "/opt/app", "-Xmx512m", "/w");
        assertThat(MaskedConsole.maskText("    sync.admin.password = pw4\n    sync.webhook.path = /w\n"))
                .isEqualTo("    sync.admin.password = xxxxxx\n    sync.webhook.path = /w\n");
    }

    /** The connector's own secrets, whose names Camel's list lacks (found exposed by an outside test). */
    @Test
    void masksTheDidomiApiSecretAndTheErasureKey() {
        JsonObject secret = new JsonObject(Map.of("key", "sync.didomi.api-secret", "value", "DIDSECRET", "originalValue", "DIDSECRET"));
        JsonObject key = new JsonObject(Map.of("key", "sync.erasure.key", "value", "ERASUREKEY", "originalValue", "ERASUREKEY"));
        JsonArray args = new JsonArray(List.of("-Dsync.didomi.api-secret=DIDSECRET2", "-Dsync.erasure.key=ERASUREKEY2"));
        JsonObject env = new JsonObject(Map.of("SYNC_DIDOMI_API_SECRET", "DIDSECRET3", "sync.didomi.api-url", "https://api.didomi.io/v1"));
        JsonObject root = new JsonObject(Map.of("properties", new JsonArray(List.of(secret, key)), "inputArguments", args,
                "env", env));

        String masked = ((JsonObject) MaskedConsole.mask(root, false)).toJson().replace("\\/", "/");

        assertThat(masked).doesNotContain("DIDSECRET", "ERASUREKEY").contains("sync.didomi.api-secret", "sync.erasure.key",
                "https://api.didomi.io/v1");
        assertThat(MaskedConsole.maskText("sync.erasure.key = ERASUREKEY4\n")).isEqualTo("sync.erasure.key = xxxxxx\n");
    }
}
