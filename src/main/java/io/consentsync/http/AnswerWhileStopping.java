package io.consentsync.http;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * From the moment the connector starts to stop until its HTTP server closes, every request on the webhook and admin
 * port is answered {@code 503} with {@code Retry-After} and a JSON body, so Didomi sends the event again later.
 * Without it a request got Camel's bare 503 while the routes were suspended, then Vert.x's {@code 404} HTML page once
 * they were gone (about 3 s before the server closed): an answer Didomi need not retry, so an event could be lost.
 */
public final class AnswerWhileStopping extends EventNotifierSupport {

    static final String BODY = "{\"error\":\"shutting_down\",\"message\":\"the connector is stopping; send the event again later\"}";

    private volatile boolean stopping;
    private boolean installed;

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStartedEvent || event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.CamelContextStoppingEvent) {
            stopping = true;
        } else if (event instanceof CamelEvent.CamelContextStartedEvent started) {
            stopping = false;
            answerFirstWhileStopping(started.getContext());
        }
    }

    private void answerFirstWhileStopping(CamelContext context) {
        // the webhook and admin port's router (the management port has one of its own: health answers as it is)
        int port = context.getPropertiesComponent().resolveProperty("camel.server.port").map(Integer::parseInt).orElse(8080);
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null || installed) {
            return;
        }
        installed = true;
        // ahead of every route Camel added: passes each request on, except while stopping
        router.route().order(-1).handler(request -> {
            if (!stopping) {
                request.next();
                return;
            }
            request.response().setStatusCode(503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Retry-After", "30")
                    .putHeader("Cache-Control", "no-store")
                    .end(BODY);
        });
    }
}
