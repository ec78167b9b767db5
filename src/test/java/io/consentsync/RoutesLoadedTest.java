package io.consentsync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.consentsync.support.ConnectorTestSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every YAML file in routes/ is loaded by the connector the tests boot; every route has a kebab-case id. */
class RoutesLoadedTest extends ConnectorTestSupport {

    @Test
    void everyRouteFileIsLoaded() throws Exception {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        Set<String> routes = model.getRouteDefinitions().stream().map(RouteDefinition::getRouteId).collect(Collectors.toSet());
        Set<String> configurations = model.getRouteConfigurationDefinitions().stream()
                .map(RouteConfigurationDefinition::getId).collect(Collectors.toSet());
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("routes"))) {
            files = list.filter(p -> p.toString().endsWith(".camel.yaml")).toList();
        }
        assertThat(files).isNotEmpty();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (Path file : files) {
            JsonNode items = yaml.readTree(file.toFile());
            assertThat(items).as(file + " defines nothing").isNotEmpty();
            for (JsonNode item : items) {
                if (item.has("route")) {
                    String id = item.get("route").path("id").asText();
                    assertThat(id).as("route id in " + file).matches("[a-z]+(-[a-z]+)+");
                    assertThat(routes).as("routes loaded from " + file).contains(id);
                } else if (item.has("routeConfiguration")) {
                    assertThat(configurations).as("route configurations loaded from " + file)
                            .contains(item.get("routeConfiguration").path("id").asText());
                }
            }
        }
        assertThat(routes).allMatch(id -> id.matches("[a-z]+(-[a-z]+)+"));
    }
}
