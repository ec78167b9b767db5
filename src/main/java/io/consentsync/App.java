package io.consentsync;

import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;

/** Starts the connector: Camel Main, YAML routes from routes/, configuration classes from this package. */
public final class App {

    /** The working-directory file wins key by key; the copy packed in the jar fills the gaps. */
    public static final String PROPERTY_LOCATIONS =
            "file:application.properties;optional=true,classpath:application.properties;optional=true";

    /**
     * Where routes/ (the YAML routes and admin-api.openapi.json) is read from. application.properties builds
     * camel.main.routes-include-pattern and the OpenAPI document's URI from it.
     */
    public static final String ROUTES_LOCATION = "sync.routes-location";

    private App() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(App.class);
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        // an initial property is Camel's last resort: -D, the environment (SYNC_ROUTES_LOCATION) and both
        // application.properties copies win over it
        main.addInitialProperty(ROUTES_LOCATION, routesLocation(Path.of("")));
        int status;
        try {
            status = main.run(args);
        } catch (Exception e) {
            // a configuration mistake is the operator's to fix: its message names the key; no stack trace around it
            for (Throwable t = e; t != null; t = t.getCause()) {
                // Camel Main checks its own keys first ("Error configuring property: camel.server.port because value
                // is empty"): the same mistake, the same short answer
                if (t instanceof io.consentsync.config.InvalidConfigurationException
                        || t instanceof IllegalArgumentException && String.valueOf(t.getMessage()).startsWith("Error configuring property: ")) {
                    System.err.println("dotdigital-consent-sync cannot start: " + t.getMessage());
                    System.exit(1);
                }
            }
            throw e;
        }
        System.exit(status);
    }

    /**
     * file:routes when the working directory has routes/ (the repository root: the files integration engineers
     * edit, and the ones dev-mode reload watches), otherwise classpath:routes, the copy packed in the jar.
     */
    public static String routesLocation(Path workingDirectory) {
        return Files.isDirectory(workingDirectory.resolve("routes")) ? "file:routes" : "classpath:routes";
    }
}
