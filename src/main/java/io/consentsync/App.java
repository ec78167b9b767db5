package io.consentsync;

import org.apache.camel.main.Main;

/** Starts the connector: Camel Main, YAML routes from routes/, configuration classes from this package. */
public final class App {

    /** The working-directory file wins key by key; the copy packed in the jar fills the gaps. */
    public static final String PROPERTY_LOCATIONS =
            "file:application.properties;optional=true,classpath:application.properties;optional=true";

    private App() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(App.class);
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        System.exit(main.run(args));
    }
}
