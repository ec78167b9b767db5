package io.consentsync.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import io.consentsync.App;
import org.apache.camel.test.AvailablePortFinder;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Boots the real connector (App's Camel Main, application.properties, every YAML file in routes/) on loopback ports,
 * with Dotdigital played by WireMock and a fresh in-memory event store per test. After each test every request the
 * stub received is checked against Dotdigital's OpenAPI contracts.
 */
public abstract class ConnectorTestSupport extends CamelMainTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final String ADMIN_PASSWORD = "admin-pw-7f3a";
    protected static final String DOTDIGITAL_PASSWORD = "dd-secret-91c2";
    protected static final String CLIENT_SECRET = "didomi-client-secret-5b1e";
    protected static WireMockServer dotdigital;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    protected int port;
    protected int managementPort;
    protected String jdbcUrl;

    @BeforeAll
    static void startDotdigitalStub() {
        dotdigital = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(DotdigitalContactsStub.INSTANCE)); // a stateful account, only for stubs that name it
        dotdigital.start();
    }

    /** In-memory stores of this class's tests; dropped once the class is done, since test JVMs are reused. */
    private static final java.util.List<String> STORES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterAll
    static void stopDotdigitalStub() {
        dotdigital.stop();
        for (String store : STORES) { // each test's context is stopped by now
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(store, "sa", "");
                 java.sql.Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (java.sql.SQLException e) {
                // already gone (a test shut it down on purpose)
            }
        }
        STORES.clear();
    }

    /**
     * The connector leaves closing its connection pool to the JVM's exit; test JVMs are reused, so the pool is closed
     * when this test's Camel context stops (after its routes, before the next test), not left retrying a dropped
     * in-memory database in the background of every later test.
     */
    @org.junit.jupiter.api.BeforeEach
    void closeTheStoreWithTheContext() throws Exception {
        io.consentsync.store.EventStore store = context.getRegistry().lookupByNameAndType("eventStore",
                io.consentsync.store.EventStore.class);
        if (store == null) {
            return;
        }
        javax.sql.DataSource pool = store.dataSource();
        context.addService(new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                if (pool instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }, true, true);
    }

    @AfterEach
    void requestsMatchDotdigitalContracts() throws Exception {
        assertThat(DotdigitalContract.violations(dotdigital.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.anyUrl()))))
                .as("requests sent to Dotdigital that break its published contract").isEmpty();
        dotdigital.resetAll();
    }

    @Override
    protected Class<?> getMainClass() {
        return App.class;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return App.PROPERTY_LOCATIONS;
    }

    @Override
    public void configureContext(CamelContextConfiguration config) {
        super.configureContext(config);
        // an exchange still waiting for a redelivery when a test ends need not hold the next test up for Camel's
        // default 10 s; no in-process test checks the graceful shutdown (CrashRecoveryTest and friends use processes)
        config.withShutdownTimeout(3);
        dotdigital.resetAll();
        stubDataFields();
        stubAccountInfo();
        port = AvailablePortFinder.getNextAvailable();
        Properties props = new Properties();
        props.put("camel.server.port", String.valueOf(port));
        managementPort = AvailablePortFinder.getNextAvailable();
        props.put("camel.management.port", String.valueOf(managementPort));
        // created here, opened by the connector with IFEXISTS: once shut down by a test, the store is unreachable
        String db = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db, "sa", "")) {
            jdbcUrl = db + ";IFEXISTS=TRUE";
            STORES.add(jdbcUrl);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        props.put("sync.store.jdbc-url", jdbcUrl);
        props.put("sync.integration-file", writeIntegration(integration()).toString());
        props.put("sync.dotdigital.password", DOTDIGITAL_PASSWORD);
        props.put("sync.admin.password", ADMIN_PASSWORD);
        props.put("sync.delivery.poll-interval-ms", "50");
        props.put("sync.retry.max-redeliveries", "3");
        props.put("sync.retry.initial-delay-ms", "20");
        props.put("sync.retry.max-delay-ms", "100");
        props.put("sync.instance-id", "test-" + getClass().getSimpleName());
        props.put("sync.mapping-check.initial-delay-ms", "3600000"); // MappingCheckTest runs it on purpose
        props.put("sync.outage.probe-interval-ms", "1000");
        props.put("camel.component.seda.default-poll-timeout", "20"); // each test stops its context
        // the startup summary (every property, every route) is a few hundred lines per test; tests that read it ask
        props.put("camel.main.startup-summary-level", "off");
        // what App.main sets as an initial property (the in-process Main does not run App.main): file:routes here
        props.put(App.ROUTES_LOCATION, App.routesLocation(Path.of("")));
        props.putAll(extraProperties());
        config.withUseOverridePropertiesWithPropertiesComponent(props);
    }

    /** Integration JSON for this test class; override to change mappings or upsert mode. */
    protected String integration() {
        return """
                {"type_id": "dotdigital",
                 "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "properties": {},
                 "mappings": [
                   {"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "TOPICS", "value": "consents_purposes_marketing_values_topics_value"}
                 ],
                 "upsert_mode": false}
                """.formatted(dotdigital.baseUrl());
    }

    protected Map<String, String> extraProperties() {
        return Map.of();
    }

    private static Path writeIntegration(String json) {
        try {
            Path file = Files.createTempFile("integration", ".json");
            Files.writeString(file, json);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- Dotdigital stubs ----

    protected void stubDataFields() {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson("""
                [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                 {"name": "TOPICS", "type": "String", "visibility": "Private", "defaultValue": null},
                 {"name": "NEWS_TEXT", "type": "String", "visibility": "Private", "defaultValue": null},
                 {"name": "NEWS_NUM", "type": "Numeric", "visibility": "Private", "defaultValue": null},
                 {"name": "CONSENT_AT", "type": "Date", "visibility": "Private", "defaultValue": null},
                 {"name": "SMS", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                 {"name": "LI_DATE", "type": "Date", "visibility": "Private", "defaultValue": null}]
                """)));
    }

    /** The probe that ends a paused delivery: Dotdigital answers unless a test says otherwise. */
    protected void stubAccountInfo() {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/account-info")).willReturn(okJson("{\"id\": 1}")));
    }

    protected static MappingBuilder contactLookup() {
        return get(urlPathMatching("/contacts/v3/email/.*"));
    }

    protected static MappingBuilder contactPatch() {
        return patch(urlPathMatching("/contacts/v3/email/.*"));
    }

    protected void stubContactFound(String status) {
        dotdigital.stubFor(contactLookup().willReturn(okJson("""
                {"contactId": 42, "status": "%s", "created": "2024-01-01T00:00:00Z", "updated": "2024-01-01T00:00:00Z",
                 "identifiers": {"email": "someone@example.com"}, "dataFields": {}}
                """.formatted(status))));
    }

    protected void stubContactNotFound() {
        dotdigital.stubFor(contactLookup().willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorCode\":\"contacts:contactNotFound\",\"description\":\"The following contacts could not be found\"}")));
    }

    protected void stubPatchAnswers(int status) {
        dotdigital.stubFor(contactPatch().willReturn(okJson("{\"contactId\": 42, \"status\": \"subscribed\"}").withStatus(status)));
    }

    // ---- HTTP helpers ----

    protected HttpResponse<String> postWebhook(String body) throws Exception {
        return post("/webhooks/didomi", body, "application/json", Map.of());
    }

    protected HttpResponse<String> post(String path, String body, String contentType, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> admin(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", basic("admin", ADMIN_PASSWORD))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET on the management port (health, metrics). */
    protected HttpResponse<String> management(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    protected static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    protected static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Posts a webhook, expects 202 and returns the record id. */
    protected String accepted(String body) throws Exception {
        HttpResponse<String> r = postWebhook(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(json(r).path("status").asText()).isEqualTo("accepted");
        return json(r).path("id").asText();
    }

    /** Waits until the event reaches the status and returns its admin view. */
    protected JsonNode awaitStatus(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            HttpResponse<String> r = admin("GET", "/admin/events/" + id);
            assertThat(r.statusCode()).isEqualTo(200);
            last[0] = json(r);
            assertThat(last[0].path("status").asText()).as(r.body()).isEqualTo(status);
        });
        return last[0];
    }

    /**
     * Waits until no further Dotdigital call can follow: the store holds no event waiting for delivery (pending or
     * retrying) and no exchange is in flight in Camel (a redelivery waits there). A check that something did not
     * happen runs after this, not after a sleep.
     */
    protected void awaitNothingLeftToDeliver() {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            HttpResponse<String> summary = admin("GET", "/admin/summary");
            assertThat(json(summary).path("waiting").asLong()).as(summary.body()).isZero();
            assertThat(context.getInflightRepository().browse()).as("exchanges in flight")
                    .allMatch(e -> e.getFromRouteId() != null && e.getFromRouteId().equals("summarize-pipeline"));
        });
    }

    // ---- Didomi events ----

    /** An event.created for a contact with the given purposes JSON array. */
    protected static String consentEvent(String eventId, String email, String purposes) {
        return """
                {"type": "event.created", "regulation": "gdpr",
                 "parameters": {"entity": {
                   "id": "%s", "organization_id": "org", "created_at": "2024-05-02T09:15:00.000Z", "status": "confirmed",
                   "user": {"id": "didomi-user-1", "organization_user_id": "%s", "metadata": {"source": "pc"}},
                   "consents": {"purposes": %s, "vendors": {"enabled": [], "disabled": []}, "channels": []}}}}
                """.formatted(eventId, email, purposes);
    }

    protected static String newsletterEvent(String eventId, String email, boolean enabled) {
        return consentEvent(eventId, email, "[{\"id\": \"newsletter\", \"enabled\": " + enabled + "}]");
    }
}
