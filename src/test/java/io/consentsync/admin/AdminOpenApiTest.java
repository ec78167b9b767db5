package io.consentsync.admin;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.consentsync.support.ConnectorTestSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's contract, routes/admin-api.openapi.json, matches the rest DSL in routes/admin-api.camel.yaml (every
 * operation, path and parameter, both ways), is served at GET /admin/openapi.json, and real answers, errors included,
 * validate against it. Every operation needs the admin credentials.
 */
class AdminOpenApiTest extends ConnectorTestSupport {

    private static final Path DOCUMENT = Path.of("routes/admin-api.openapi.json");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    @Override
    protected String integration() {
        return super.integration().replace("\"upsert_mode\": false", "\"upsert_mode\": true");
    }

    @Test
    void theDocumentDescribesEveryOperationOfTheRestDslAndNothingElse() throws Exception {
        JsonNode doc = JSON.readTree(DOCUMENT.toFile());
        TreeSet<String> inRoutes = new TreeSet<>();
        for (RestDefinition rest : model().getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = join(rest.getPath(), verb.getPath());
                String method = verb.asVerb();
                String where = method.toUpperCase() + " " + path;
                inRoutes.add(where);
                JsonNode operation = doc.path("paths").path(path).path(method);
                assertThat(operation.isObject()).as(where + " is in " + DOCUMENT).isTrue();
                List<JsonNode> documented = parameters(doc, operation);
                for (ParamDefinition p : verb.getParams()) {
                    String in = p.getType() == null ? "path" : p.getType().name();
                    JsonNode match = documented.stream()
                            .filter(d -> d.path("name").asText().equals(p.getName()) && d.path("in").asText().equals(in))
                            .findFirst().orElse(null);
                    assertThat(match).as(where + ": " + in + " parameter " + p.getName() + " is documented").isNotNull();
                    boolean required = p.getRequired() == null || p.getRequired(); // the rest DSL's default is true
                    assertThat(match.path("required").asBoolean(false)).as(where + ": required of " + p.getName())
                            .isEqualTo(required);
                }
                for (JsonNode d : documented) {
                    assertThat(verb.getParams()).as(where + ": documented parameter " + d.path("name").asText()
                                    + " is declared in the rest DSL")
                            .anyMatch(p -> p.getName().equals(d.path("name").asText()));
                }
            }
        }
        TreeSet<String> inDocument = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(path -> METHODS.stream().filter(m -> path.getValue().has(m))
                .forEach(m -> inDocument.add(m.toUpperCase() + " " + path.getKey())));
        assertThat(inDocument).as("operations in " + DOCUMENT).isEqualTo(inRoutes);
        assertThat(inRoutes).contains("GET /admin/events/{id}", "GET /admin/events", "POST /admin/events/{id}/replay",
                "POST /admin/events/replay", "GET /admin/contacts/{organizationUserId}/events", "GET /admin/rate-limit",
                "GET /admin/summary", "POST /admin/config/reload", "GET /admin/openapi.json",
                "GET /admin/contacts/{organizationUserId}/events.csv", "GET /admin/events/replay/count",
                "GET /admin/summary/history", "POST /admin/contacts/{organizationUserId}/erase");
        // no admin path beside the rest DSL, where it would miss the document (and possibly the login)
        for (RouteDefinition route : model().getRouteDefinitions()) {
            String uri = route.getInput().getEndpointUri();
            assertThat(uri).as("route " + route.getRouteId()).doesNotStartWith("platform-http:/admin");
        }
    }

    @Test
    void theDocumentIsServedToTheAdmin() throws Exception {
        HttpResponse<String> served = admin("GET", "/admin/openapi.json");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json(served)).isEqualTo(JSON.readTree(DOCUMENT.toFile()));
        assertValid("/admin/openapi.json", Request.Method.GET, served);
    }

    @Test
    void everyOperationNeedsTheAdminCredentials() throws Exception {
        JsonNode doc = JSON.readTree(DOCUMENT.toFile());
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = path.getKey().replace("{id}", "some-id").replace("{organizationUserId}", "a@example.com");
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + concrete))
                            .timeout(Duration.ofSeconds(10)).method(method.toUpperCase(), HttpRequest.BodyPublishers.noBody())
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(method + " " + concrete + " without credentials").isEqualTo(401);
                    assertThat(r.headers().firstValue("WWW-Authenticate")).as(method + " " + concrete).isPresent();
                    assertValid(path.getKey().replace("{id}", "some-id").replace("{organizationUserId}", "a@example.com"),
                            Request.Method.valueOf(method.toUpperCase()), r);
                }
            }
        }
    }

    /** What platform-http did before the rest DSL: no content negotiation (406), 405 for another method. */
    @Test
    void theRestDslAnswersAsThePlatformHttpRoutesDid() throws Exception {
        HttpResponse<String> html = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/summary"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", basic("admin", ADMIN_PASSWORD))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(html.statusCode()).as("Accept without JSON").isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(admin("GET", "/admin/config/reload").statusCode()).isEqualTo(405);
        assertThat(admin("DELETE", "/admin/events/some-id").statusCode()).isEqualTo(405);
        HttpResponse<String> replayAsId = admin("GET", "/admin/events/replay");
        assertThat(replayAsId.statusCode()).isEqualTo(404);
        assertThat(json(replayAsId).path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void realAnswersMatchTheDocument() throws Exception {
        dotdigital.stubFor(contactPatch().willReturn(aResponse().withStatus(400)
                .withBody("{\"errorCode\":\"contacts:badRequest\",\"description\":\"Bad request\"}")));
        String dead = accepted(newsletterEvent("evt-openapi-dead", "dead@example.com", false));
        awaitStatus(dead, "dead");

        List<String> problems = new ArrayList<>();
        check(problems, "GET", "/admin/events/" + dead, 200);
        check(problems, "GET", "/admin/events?status=dead&limit=50", 200);
        check(problems, "GET", "/admin/events", 200);
        check(problems, "GET", "/admin/contacts/dead@example.com/events", 200);
        check(problems, "GET", "/admin/rate-limit", 200);
        check(problems, "GET", "/admin/summary", 200);
        check(problems, "GET", "/admin/summary/history", 200);
        check(problems, "GET", "/admin/contacts/dead@example.com/events.csv", 200);
        check(problems, "GET", "/admin/events/replay/count?status=dead&since=2026-11-01T00:00:00Z", 200);
        check(problems, "GET", "/admin/events/replay/count?status=delivered", 400);
        check(problems, "GET", "/admin/events/replay/count?status=dead&since=yesterday", 400);
        check(problems, "GET", "/admin/events/no-such-id", 404);
        check(problems, "GET", "/admin/events?status=lost", 400);
        check(problems, "GET", "/admin/events?limit=0", 400);
        check(problems, "POST", "/admin/events/replay?status=delivered", 400);
        check(problems, "POST", "/admin/events/replay?status=dead&since=yesterday", 400);
        check(problems, "POST", "/admin/events/no-such-id/replay", 404);
        stubPatchAnswers(200);
        check(problems, "POST", "/admin/events/" + dead + "/replay", 200);
        awaitStatus(dead, "delivered");
        check(problems, "POST", "/admin/events/" + dead + "/replay", 409);
        check(problems, "POST", "/admin/events/replay?status=dead&since=2026-11-01T00:00:00Z", 200);
        check(problems, "POST", "/admin/events/replay?status=skipped", 200);
        check(problems, "POST", "/admin/config/reload", 200);
        check(problems, "GET", "/admin/contacts/dead@example.com/events?hashed=maybe", 400);
        check(problems, "POST", "/admin/contacts/dead@example.com/erase", 200);
        check(problems, "GET", "/admin/contacts/dead@example.com/events?hashed=true", 200);
        check(problems, "POST", "/admin/events/" + dead + "/replay", 409);
        // reconcile runs (issue 13): sync.didomi.* is not set here; the answers of a configured API are ReconcileTest's
        check(problems, "POST", "/admin/reconcile", 400);
        check(problems, "GET", "/admin/reconcile", 200);
        check(problems, "GET", "/admin/reconcile/no-such-run", 404);
        check(problems, "GET", "/admin/reconcile/no-such-run/changes", 404);
        HttpResponse<String> crossSite = post("/admin/events/replay?status=dead", "", null,
                Map.of("Authorization", basic("admin", ADMIN_PASSWORD), "Origin", "https://evil.example"));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        problems.addAll(violations("/admin/events/replay", Request.Method.POST, crossSite));
        HttpResponse<String> form = post("/admin/config/reload", "a=b", "application/x-www-form-urlencoded",
                Map.of("Authorization", basic("admin", ADMIN_PASSWORD)));
        assertThat(form.statusCode()).isEqualTo(415);
        problems.addAll(violations("/admin/config/reload", Request.Method.POST, form));
        assertThat(problems).as("answers that break " + DOCUMENT).isEmpty();
    }

    private void check(List<String> problems, String method, String pathAndQuery, int status) throws Exception {
        HttpResponse<String> r = admin(method, pathAndQuery);
        assertThat(r.statusCode()).as(method + " " + pathAndQuery + ": " + r.body()).isEqualTo(status);
        problems.addAll(violations(pathAndQuery.split("\\?", 2)[0], Request.Method.valueOf(method), r));
    }

    private void assertValid(String path, Request.Method method, HttpResponse<String> r) throws Exception {
        assertThat(violations(path, method, r)).isEmpty();
    }

    private static List<String> violations(String path, Request.Method method, HttpResponse<String> r) throws Exception {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(r.statusCode()).withBody(r.body());
        r.headers().map().forEach(response::withHeader);
        ValidationReport report = validator().validateResponse(path, method, response.build());
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> method + " " + path + " " + r.statusCode() + ": " + m.getMessage()).toList();
    }

    private static OpenApiInteractionValidator validator;

    private static synchronized OpenApiInteractionValidator validator() throws Exception {
        if (validator == null) {
            validator = OpenApiInteractionValidator.createForInlineApiSpecification(Files.readString(DOCUMENT)).build();
        }
        return validator;
    }

    private Model model() {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }

    /** The operation's parameters, path-level and operation-level, with $refs to components resolved. */
    private static List<JsonNode> parameters(JsonNode doc, JsonNode operation) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode p : operation.path("parameters")) {
            if (p.has("$ref")) {
                String name = p.get("$ref").asText().substring("#/components/parameters/".length());
                all.add(doc.path("components").path("parameters").path(name));
            } else {
                all.add(p);
            }
        }
        return all;
    }

    private static String join(String base, String path) {
        String b = base == null ? "" : base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String p = path == null ? "" : path.startsWith("/") ? path : "/" + path;
        return b + p;
    }
}
