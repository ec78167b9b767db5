package io.consentsync.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** For the store tests that run the connector as a process: a Dotdigital that is down, webhooks, the store read back. */
final class StoreProcessSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private StoreProcessSupport() {
    }

    /** Dotdigital answers 503 to every write: accepted events stay in the store. */
    static WireMockServer dotdigitalDown() {
        WireMockServer dotdigital = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        dotdigital.start();
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson(
                "[{\"name\": \"NEWSLETTER\", \"type\": \"Boolean\", \"visibility\": \"Private\", \"defaultValue\": null}]")));
        dotdigital.stubFor(patch(urlPathMatching("/contacts/v3/.*")).willReturn(aResponse().withStatus(503)));
        return dotdigital;
    }

    /** Connector properties with its store at {@code jdbcUrl}; the URL is given the way a user would, no H2 options. */
    static Map<String, String> properties(Path tmp, WireMockServer dotdigital, String jdbcUrl) throws Exception {
        Path integration = tmp.resolve("integration.json");
        Files.writeString(integration, """
                {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"}], "upsert_mode": true}
                """.formatted(dotdigital.baseUrl()));
        return Map.of(
                "sync.integration-file", integration.toString(),
                "sync.dotdigital.password", "pw",
                "sync.store.jdbc-url", jdbcUrl,
                "sync.instance-id", "store-test",
                "sync.retry.initial-delay-ms", "60000");
    }

    static HttpResponse<String> postEvent(int port, String eventId, String email) throws Exception {
        String body = """
                {"type": "event.created", "parameters": {"entity": {"id": "%s", "created_at": "2024-05-02T09:15:00Z",
                  "user": {"organization_user_id": "%s"}, "consents": {"purposes": [{"id": "newsletter", "enabled": false}]}}}}
                """.formatted(eventId, email);
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/didomi"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String idOf(HttpResponse<String> accepted) throws Exception {
        return JSON.readTree(accepted.body()).path("id").asText();
    }

    static int readiness(int managementPort) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The event ids in the H2 file, read with JDBC once the connector is dead: what a restart would find. */
    static Set<String> storedIds(String h2FileUrl) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(h2FileUrl + ";IFEXISTS=TRUE", "sa", "");
             ResultSet rs = c.createStatement().executeQuery("select id from consent_event")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
