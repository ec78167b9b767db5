package io.consentsync.intake;

import io.consentsync.config.InvalidConfigurationException;
import io.vertx.core.net.impl.TCPServerBase;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * Startup fails when an HTTP listener (the webhook and admin port, camel.server.port, or the management port,
 * camel.management.port) could not bind its port. Camel's Vert.x server only logs the failure and the connector
 * would run on without taking a single webhook, its readiness UP on the other port.
 */
public final class HttpListenersBound implements StartupListener {

    private final int webhookPort;
    private final int managementPort;

    /** The two ports as configured (checked by SyncConfiguration before Camel opens them). */
    public HttpListenersBound(int webhookPort, int managementPort) {
        this.webhookPort = webhookPort;
        this.managementPort = managementPort;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the servers have not all started yet: checked in onCamelContextFullyStarted
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            // actualPort() is the port asked for even when the bind failed; only Vert.x's server knows it listens (an
            // implementation class: a later Vert.x without it skips the check rather than refuse to start)
            if (!(server.getServer() instanceof TCPServerBase tcp) || tcp.isListening()) {
                continue;
            }
            int wanted = server.getConfigurationPort();
            String key = wanted == managementPort ? "camel.management.port" : wanted == webhookPort ? "camel.server.port"
                    : "camel.server.port or camel.management.port";
            throw new InvalidConfigurationException("the HTTP listener cannot listen on " + server.getHost() + ":" + wanted
                    + " (" + key + "): the port is in use or not allowed; free it or choose another");
        }
    }
}
