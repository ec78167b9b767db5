package io.consentsync.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks requests a reconcile run sent to the Didomi stub against Didomi's published OpenAPI files
 * (src/test/resources/contracts/didomi): path, method, required query parameters, the session body, and the Bearer
 * token on every call but {@code POST /sessions}.
 */
public final class DidomiContract {

    private static final Path CONTRACTS = Path.of("src/test/resources/contracts/didomi");
    private static OpenApiInteractionValidator users;
    private static OpenApiInteractionValidator sessions;

    private DidomiContract() {
    }

    /** Problems found, one line per request; empty when every request matches its contract. */
    public static synchronized List<String> violations(List<LoggedRequest> requests) throws Exception {
        if (users == null) {
            users = validator("didomi-consents-users.openapi.yml");
            sessions = validator("didomi-sessions.openapi.yml");
        }
        List<String> problems = new ArrayList<>();
        for (LoggedRequest r : requests) {
            String[] parts = r.getUrl().split("\\?", 2);
            boolean session = parts[0].equals("/sessions");
            SimpleRequest.Builder b = new SimpleRequest.Builder(r.getMethod().getName(), parts[0]);
            r.getHeaders().all().forEach(h -> b.withHeader(h.key(), h.values()));
            if (parts.length > 1) {
                for (String pair : parts[1].split("&")) {
                    String[] kv = pair.split("=", 2);
                    b.withQueryParam(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
            }
            if (r.getBodyAsString() != null && !r.getBodyAsString().isEmpty()) {
                b.withBody(r.getBodyAsString());
            }
            ValidationReport report = (session ? sessions : users).validateRequest(b.build());
            if (report.hasErrors()) {
                problems.add(r.getMethod() + " " + r.getUrl() + ": " + report.getMessages());
            }
            String auth = r.getHeader("Authorization");
            if (!session && (auth == null || !auth.startsWith("Bearer "))) {
                problems.add(r.getMethod() + " " + r.getUrl() + ": no Bearer token");
            }
            if (auth != null && auth.startsWith("Basic ")) {
                problems.add(r.getMethod() + " " + r.getUrl() + ": sent HTTP Basic credentials (Dotdigital's?) to Didomi");
            }
        }
        return problems;
    }

    /**
     * Didomi's mirror mixes Swagger 2 leftovers into its OpenAPI 3 files ({@code consumes}, {@code produces},
     * {@code in: body} parameters, top-level {@code definitions}), which the validator refuses to load. They describe
     * request bodies of operations a reconcile run never calls, so they are dropped; paths, query parameters and
     * security stay as published.
     */
    static String openApi3Only(String yaml) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper =
                new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(yaml);
        root.remove("definitions");
        root.path("paths").forEach(path -> path.forEach(operation -> {
            if (operation instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                o.remove("consumes");
                o.remove("produces");
                o.path("responses").forEach(r -> {
                    if (r instanceof com.fasterxml.jackson.databind.node.ObjectNode response) {
                        response.remove("content"); // their schemas point into the dropped definitions
                    }
                });
                if (o.path("parameters").isArray()) {
                    var params = (com.fasterxml.jackson.databind.node.ArrayNode) o.get("parameters");
                    for (int i = params.size() - 1; i >= 0; i--) {
                        if ("body".equals(params.get(i).path("in").asText())) {
                            params.remove(i);
                        }
                    }
                }
            }
        }));
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(root);
    }

    private static OpenApiInteractionValidator validator(String file) throws Exception {
        Path spec = CONTRACTS.resolve(file);
        return OpenApiInteractionValidator.createForInlineApiSpecification(openApi3Only(Files.readString(spec)))
                .withLevelResolver(com.atlassian.oai.validator.report.LevelResolver.create()
                        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                        // $limit and $skip are Didomi's documented paging parameters, left out of the files
                        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
                        .build())
                .build();
    }
}
