package io.consentsync.monitoring;

import io.consentsync.dotdigital.AccountPause;
import io.consentsync.dotdigital.DotdigitalCredentials;
import io.consentsync.dotdigital.RateLimitGate;
import io.consentsync.mapping.DataFieldCatalog;
import io.consentsync.mapping.MappingCheck;
import io.consentsync.store.EventQueries;
import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;

/**
 * Route-level monitoring with Camel's own tools: binds the connector's developer consoles ({@code consent-sync},
 * {@code dotdigital}) in the registry, has the HTTP client record its calls for the second, puts its own {@code health}
 * console and masked copies of Camel's {@code properties}, {@code system-properties} and {@code jvm} consoles in place
 * of Camel's, and registers the {@link ConsentSyncMBean} next to Camel's MBeans. Those sit in a private MBean server
 * unless {@code sync.jmx.enabled=true} puts them in the platform one (JConsole, Hawtio).
 */
public final class Monitoring {

    /** The connector's MBean. */
    public static final String OBJECT_NAME = "io.consentsync:type=ConsentSync";
    /** true: Camel's MBeans and the connector's go to the platform MBean server (JConsole, Hawtio). */
    public static final String JMX_ENABLED = "sync.jmx.enabled";
    /** Calls kept for the dotdigital console. */
    public static final int RECENT_CALLS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);
    static final String CLI_ENABLED = "sync.camel-cli.enabled";

    private Monitoring() {
    }

    public static void install(CamelContext context, EventQueries queries, DataSource dataSource, String instanceId,
                               MappingCheck mapping, RateLimitGate rateLimit, AccountPause accountPause,
                               DataFieldCatalog catalog, DotdigitalCredentials credentials, Clock clock) {
        // the Camel CLI's connector (camel get route, ...) rewrites its status file from many consoles every second: an
        // outside test measured it at about 30% of a core on an idle connector, so it is on only when asked for
        boolean cli = Boolean.parseBoolean(context.getPropertiesComponent().resolveProperty(CLI_ENABLED).orElse("false").trim());
        org.apache.camel.spi.CliConnectorFactory cliFactory =
                context.getCamelContextExtension().getContextPlugin(org.apache.camel.spi.CliConnectorFactory.class);
        if (cliFactory != null) { // Camel found camel-cli-connector on the classpath; it starts it with the context
            cliFactory.setEnabled(cli);
        }
        ManagementAgent agent = context.getManagementStrategy() == null ? null
                : context.getManagementStrategy().getManagementAgent();
        boolean exposed = Boolean.parseBoolean(context.getPropertiesComponent().resolveProperty(JMX_ENABLED).orElse("false").trim());
        if (agent != null && !exposed) {
            // Camel's management layer (route statistics for /q/dev/route and camel get route) without JMX: its
            // MBeans go to a private MBean server that JConsole, Hawtio and remote JMX never see
            agent.setUsePlatformMBeanServer(false);
        }
        LOG.info("Camel CLI connector: {}", cli ? "on (camel get route, camel get inflight, ...)"
                : "off (" + CLI_ENABLED + "=true turns it on)");
        LOG.info("JMX: {}", agent == null ? "off (camel.main.jmx-enabled=false: no route statistics in /q/dev/route)"
                : exposed ? "on, Camel's MBeans and " + OBJECT_NAME + " in the platform MBean server (" + JMX_ENABLED + "=true)"
                : "off (" + JMX_ENABLED + "=false; route statistics kept for the developer console)");
        ConnectorState state = new ConnectorState(queries, dataSource, instanceId, mapping, rateLimit, accountPause);
        DotdigitalCalls calls = new DotdigitalCalls(clock, RECENT_CALLS);
        credentials.recordCallsIn(calls);
        List<DevConsole> consoles = List.of(
                new ConsentSyncConsole(state),
                new DotdigitalConsole(calls, rateLimit, catalog, clock),
                new HealthConsole(),
                new QueueSizesConsole(),
                new MaskedConsole("camel", "properties", "Properties", "Displays the properties loaded by Camel (secrets masked)"),
                new MaskedConsole("camel", "system-properties", "Java System Properties",
                        "Displays Java System Properties (secrets masked)"),
                new MaskedConsole("jvm", "jvm", "JVM", "Displays JVM information (secrets masked)"));
        for (DevConsole console : consoles) {
            // the bean name is the console id: Camel's console registry looks there first, so Camel's own console
            // of the same id (health, properties, ...) never answers
            context.getRegistry().bind(console.getId(), console);
        }
        try {
            context.addService(new Registration(context, state, consoles), true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Started with the context: the consoles into the console registry (when on), the MBean (when JMX is on). */
    private static final class Registration extends ServiceSupport {

        private final CamelContext context;
        private final ConnectorState state;
        private final List<DevConsole> consoles;
        private ObjectName registered;
        private MBeanServer server;

        Registration(CamelContext context, ConnectorState state, List<DevConsole> consoles) {
            this.context = context;
            this.state = state;
            this.consoles = consoles;
        }

        @Override
        protected void doStart() throws Exception {
            DevConsoleRegistry registry = context.getCamelContextExtension().getContextPlugin(DevConsoleRegistry.class);
            if (registry != null) {
                for (DevConsole console : consoles) {
                    registry.getConsole(console.getId()).filter(c -> c != console).ifPresent(registry::unregister);
                    if (registry.getConsole(console.getId()).isEmpty()) {
                        registry.register(console);
                    }
                }
            }
            ManagementAgent agent = context.getManagementStrategy() == null ? null
                    : context.getManagementStrategy().getManagementAgent();
            if (agent != null && agent.getMBeanServer() != null) { // next to Camel's MBeans, wherever they are
                MBeanServer server = agent.getMBeanServer();
                ObjectName name = new ObjectName(OBJECT_NAME);
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name); // a previous context in this JVM (tests) left it
                }
                server.registerMBean(new ConsentSync(state), name);
                registered = name;
                this.server = server;
            }
        }

        @Override
        protected void doStop() throws Exception {
            if (registered != null) {
                if (server.isRegistered(registered)) {
                    server.unregisterMBean(registered);
                }
                registered = null;
            }
        }
    }
}
