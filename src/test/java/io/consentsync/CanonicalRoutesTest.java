package io.consentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps routes/ in Camel's canonical camelCase YAML (Camel 4.22+ warns on the compact notation; 4.18 does not, so
 * this test does): endpoints as objects with {@code uri}, every expression under {@code expression:} with its language
 * as an object, no kebab-case keys.
 */
class CanonicalRoutesTest {

    private static final Set<String> LANGUAGES = Set.of("simple", "constant", "method", "header", "variable", "jsonpath",
            "exchangeProperty", "groovy", "xpath", "jq", "tokenize", "csimple", "js", "python", "mvel", "ognl", "spel");
    private static final Set<String> EXPRESSION_HOLDERS = Set.of("expression", "handled", "continued", "retryWhile");
    private static final Set<String> ENDPOINT_STEPS = Set.of("to", "toD", "wireTap", "from");

    @Test
    void everyRouteFileIsCanonical() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(p -> p.toString().endsWith(".camel.yaml")).toList();
        }
        assertThat(files).isNotEmpty();
        List<String> problems = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (Path f : files) {
            check(yaml.readTree(f.toFile()), f.getFileName().toString(), null, problems);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theCheckCatchesCompactNotation() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> problems = new ArrayList<>();
        check(yaml.readTree("""
                - route:
                    from:
                      uri: direct:a
                      steps:
                        - to: "log:x"
                        - setBody:
                            simple: "${body}"
                        - set-header:
                            name: X
                            expression:
                              constant: "1"
                """), "compact.yaml", null, problems);
        assertThat(problems).hasSize(5);
    }

    private static void check(JsonNode node, String where, String parent, List<String> problems) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), where + "[" + i + "]", parent, problems);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = f.getKey();
            String path = where + "." + key;
            boolean insideParameters = "parameters".equals(parent) || "properties".equals(parent);
            if (!insideParameters && key.contains("-")) {
                problems.add(path + ": kebab-case key, use camelCase");
            }
            if (ENDPOINT_STEPS.contains(key) && !f.getValue().isObject()) {
                problems.add(path + ": endpoint in compact form, use {uri: ...}");
            }
            boolean language = LANGUAGES.contains(key) && !insideParameters && !"bean".equals(parent);
            if (language) {
                if (parent == null || !EXPRESSION_HOLDERS.contains(parent)) {
                    problems.add(path + ": language outside an expression: wrap it in expression:");
                }
                if (!f.getValue().isObject()) {
                    problems.add(path + ": language in compact form, use {expression: ...}");
                }
            }
            if (!insideParameters && !language) { // a language's children are its own attributes
                check(f.getValue(), path, key, problems);
            }
        }
    }
}
