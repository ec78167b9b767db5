package io.consentsync.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Didomi's platform API as published (../shared/contracts/didomi, ../shared/docs/didomi-webhooks.md), over real HTTP:
 * {@code POST /sessions} with the API key and secret answers {@code {"access_token"}}; {@code GET /consents/users} pages
 * the users it holds ({@code $limit} at most 100, {@code $skip}) as {@code {"total","limit","skip","data"}}, only with
 * the current token (an older one gets 401, as an expired one would). Faults (429, 503, 401) are added per test.
 */
public final class DidomiStub implements AutoCloseable {

    public static final String ORGANIZATION = "org-test";
    public static final String API_KEY = "didomi-key-3c9d";
    public static final String API_SECRET = "didomi-secret-8e21";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final WireMockServer server;
    private final List<ObjectNode> users = new ArrayList<>();
    private int sessions = 1;
    private boolean anyToken;
    private final List<com.github.tomakehurst.wiremock.stubbing.StubMapping> pageStubs = new ArrayList<>();

    public DidomiStub() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        sessionsInTurn(1);
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** A ConsentUser with the newsletter purpose and the marketing topics (v2 values); orgUserId may be null. */
    public static ObjectNode user(String id, String orgUserId, Boolean newsletter, String topics, String updatedAt) {
        ObjectNode u = JSON.createObjectNode();
        u.put("id", id);
        u.put("organization_id", ORGANIZATION);
        if (orgUserId != null) {
            u.put("organization_user_id", orgUserId);
        }
        u.put("version", 3);
        u.put("created_at", "2024-01-01T00:00:00.000Z");
        u.put("updated_at", updatedAt);
        ObjectNode consents = u.putObject("consents");
        ArrayNode purposes = consents.putArray("purposes");
        if (newsletter != null) {
            purposes.addObject().put("id", "newsletter").put("enabled", newsletter);
        }
        if (topics != null) {
            purposes.addObject().put("id", "marketing").put("enabled", true)
                    .putObject("values").putObject("topics").put("value", topics);
        }
        consents.putArray("channels");
        ObjectNode vendors = consents.putObject("vendors");
        vendors.putArray("enabled");
        vendors.putArray("disabled");
        return u;
    }

    /** The users Didomi holds, paged by the stub (replaces any earlier ones). */
    public DidomiStub holds(List<ObjectNode> list) {
        users.clear();
        users.addAll(list);
        stubPages("token-" + sessions);
        return this;
    }

    public static MappingBuilder sessionCall() {
        return post(urlPathEqualTo("/sessions")).withRequestBody(equalToJson(
                "{\"type\": \"api-key\", \"key\": \"" + API_KEY + "\", \"secret\": \"" + API_SECRET + "\"}"));
    }

    /** Pages for {@code token} (earlier tokens: 401, as after expiry). */
    private void stubPages(String token) {
        pageStubs.forEach(server::removeStub);
        pageStubs.clear();
        pageStubs.add(server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(10)
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"name\":\"NotAuthenticated\",\"message\":\"jwt expired\",\"code\":401}"))));
        for (int skip = 0; skip == 0 || skip < users.size(); skip += 100) {
            ObjectNode page = JSON.createObjectNode();
            page.put("total", users.size());
            page.put("limit", 100);
            page.put("skip", skip);
            ArrayNode data = page.putArray("data");
            users.subList(skip, Math.min(users.size(), skip + 100)).forEach(data::add);
            pageStubs.add(server.stubFor(get(urlPathEqualTo("/consents/users")).atPriority(5)
                    .withQueryParam("organization_id", equalTo(ORGANIZATION))
                    .withQueryParam("$limit", equalTo("100"))
                    .withQueryParam("$skip", equalTo(String.valueOf(skip)))
                    .withHeader("Authorization", anyToken ? com.github.tomakehurst.wiremock.client.WireMock.matching("Bearer token-[0-9]+")
                            : equalTo("Bearer " + token))
                    .willReturn(okJson(page.toString()))));
        }
    }

    /** Sessions answer token-1, token-2, ... in turn; the pages open to {@code token-<valid>} only. */
    public DidomiStub sessionsInTurn(int validToken) {
        for (int i = 1; i <= 5; i++) {
            server.stubFor(sessionCall().inScenario("sessions").whenScenarioStateIs(i == 1 ? "Started" : "s" + i)
                    .willSetStateTo("s" + (i + 1)).willReturn(okJson("{\"access_token\": \"token-" + i + "\"}")));
        }
        sessions = validToken;
        stubPages("token-" + validToken);
        return this;
    }

    /** Every token a session handed out opens the pages (several connector instances, each with its session). */
    public DidomiStub anyTokenOpens() {
        anyToken = true;
        stubPages("token-" + sessions);
        return this;
    }

    /** Forgets requests, faults and users; sessions start again at token-1. */
    public void reset() {
        anyToken = false;
        server.resetAll();
        pageStubs.clear();
        users.clear();
        sessionsInTurn(1);
    }

    public List<LoggedRequest> requests() {
        return server.findAll(anyRequestedFor(anyUrl()));
    }

    public int sessionCalls() {
        return server.findAll(postRequestedFor(urlPathEqualTo("/sessions"))).size();
    }

    @Override
    public void close() {
        server.stop();
    }
}
