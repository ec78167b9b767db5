package io.consentsync.mapping;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import io.consentsync.support.DotdigitalContactsStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector as a real process, configured for upsert mode with an SMS channel but no email channel and a list
 * the account lacks: the startup log warns that Dotdigital creates contacts subscribed, and the dotdigital-lists check is DOWN naming
 * the list; a bad channel stops startup naming it.
 */
class ChannelsAndListsProcessTest {

    @TempDir
    Path tmp;

    @Test
    void warnsAboutSubscribedDefaultsAndIsNotReadyWhileAListIsMissing() throws Exception {
        DotdigitalContactsStub account = DotdigitalContactsStub.INSTANCE;
        account.reset();
        account.addList(123, "Newsletter");
        WireMockServer dotdigital = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(account));
        dotdigital.start();
        try {
            dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson("""
                    [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null}]""")));
            dotdigital.stubFor(any(urlPathMatching("/v2/address-books/.*"))
                    .willReturn(aResponse().withTransformers(DotdigitalContactsStub.NAME)));
            Path integration = tmp.resolve("integration.json");
            Files.writeString(integration, """
                    {"type_id": "dotdigital",
                     "authentication": {"url": "%s", "username": "apiuser-p@apiconnector.com", "password": "pw"},
                     "properties": {"channels": {"sms": {"value": "consents_channels_sms_enabled"}},
                                    "lists": [{"id": 123, "value": "consents_purposes_newsletter_enabled"},
                                              {"id": 4242, "value": "consents_purposes_newsletter_enabled"}]},
                     "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}],
                     "upsert_mode": true}""".formatted(dotdigital.baseUrl()));
            try (ConnectorProcess connector = ConnectorProcess.start(Map.of("sync.integration-file", integration.toString(),
                    "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store"),
                    "sync.mapping-check.initial-delay-ms", "100"), tmp.resolve("run.log"))) {
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
                    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + connector.managementPort + "/observe/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(ready.statusCode()).isEqualTo(503);
                    assertThat(ready.body()).contains("dotdigital-lists").contains("[4242]");
                });
                assertThat(connector.output()).contains("upsert_mode is on and properties.channels maps no email channel: "
                        + "Dotdigital creates new contacts as subscribed to email");
            }
            assertThat(io.consentsync.support.DotdigitalContract.violations(dotdigital.findAll(
                    com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                            com.github.tomakehurst.wiremock.client.WireMock.anyUrl())))).isEmpty();
        } finally {
            dotdigital.stop();
        }
    }

    @Test
    void anUnknownChannelStopsStartupNamingIt() throws Exception {
        Path bad = tmp.resolve("integration.json");
        Files.writeString(bad, """
                {"type_id": "dotdigital", "authentication": {"url": "https://r1-api.dotdigital.com", "username": "u", "password": "p"},
                 "properties": {"channels": {"whatsapp": {"value": "consents_channels_whatsapp_enabled"}}},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}]}""");
        try (ConnectorProcess connector = ConnectorProcess.start(Map.of("sync.integration-file", bad.toString(),
                "sync.store.jdbc-url", "jdbc:h2:file:" + tmp.resolve("store")), tmp.resolve("bad.log"))) {
            assertThat(connector.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(connector.output()).contains("properties.channels.whatsapp: unknown channel \"whatsapp\"");
        }
    }
}
