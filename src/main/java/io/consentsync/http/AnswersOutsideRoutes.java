package io.consentsync.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The answers the webhook and admin port's Vert.x router gives before or without a Camel route, as JSON like every
 * other answer of this port (Vert.x answers plain text or an HTML page):
 * <ul>
 * <li>from the moment the connector starts to stop until its HTTP server closes, every request: {@code 503} with
 * {@code Retry-After}, so Didomi sends the event again later. Without it a request got Camel's bare 503 while the
 * routes were suspended, then Vert.x's 404 page once they were gone (about 3 s before the server closed): an answer
 * Didomi need not retry, so an event could be lost;</li>
 * <li>a path that cannot be decoded ({@code %zz}): {@code 400} naming the field {@code path} (another request Vert.x
 * cannot read: {@code 400} without a field);</li>
 * <li>a query string that cannot be decoded: {@code 400} naming the field {@code query};</li>
 * <li>a path no route serves: {@code 404}; a method the path does not take: {@code 405}.</li>
 * </ul>
 */
public final class AnswersOutsideRoutes extends EventNotifierSupport {

    static final String STOPPING = "{\"error\":\"shutting_down\",\"message\":\"the connector is stopping; send the event again later\"}";
    static final String BAD_PATH = "{\"error\":\"invalid_request\",\"field\":\"path\",\"message\":\"the request path cannot be"
            + " decoded (a % must start a two-digit hex escape)\"}";
    static final String BAD_REQUEST = "{\"error\":\"invalid_request\",\"message\":\"the request cannot be read\"}";
    private static final java.util.regex.Pattern BAD_ESCAPE = java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");
    static final String BAD_QUERY = "{\"error\":\"invalid_request\",\"field\":\"query\",\"message\":\"the query string cannot"
            + " be decoded (a % must start a two-digit hex escape)\"}";
    static final String WRONG_METHOD = "{\"error\":\"method_not_allowed\",\"field\":\"method\",\"message\":\"this path does"
            + " not take this method\"}";
    static final String NO_SUCH_PATH = "{\"error\":\"not_found\",\"field\":\"path\",\"message\":\"no such path on this port\"}";

    private final int webhookPort;
    private volatile boolean stopping;
    private boolean installed;

    /** {@code webhookPort}: camel.server.port as configured (checked by SyncConfiguration). */
    public AnswersOutsideRoutes(int webhookPort) {
        this.webhookPort = webhookPort;
    }

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
            install(started.getContext());
        }
    }

    private void install(CamelContext context) {
        // the webhook and admin port's router (the management port has one of its own: health answers as it is)
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(webhookPort));
        if (router == null || installed) {
            return;
        }
        installed = true;
        // ahead of every route Camel added: passes each request on, except while stopping
        router.route().order(-1).handler(request -> {
            if (stopping) {
                answer(request, 503, STOPPING);
            } else if (BAD_ESCAPE.matcher(String.valueOf(request.request().query())).find()) {
                // a route with path parameters decodes the query itself and throws: a plain 400 and a stack trace
                // in the log for each such request, with no credentials needed
                answer(request, 400, BAD_QUERY);
            } else {
                // a request that passed just before the stop began can still meet Camel's suspended route, whose 503
                // has no Retry-After: every 503 of this port tells when to send again
                request.addHeadersEndHandler(headers -> {
                    if (request.response().getStatusCode() == 503 && !request.response().headers().contains("Retry-After")) {
                        request.response().putHeader("Retry-After", "30");
                    }
                });
                request.next();
            }
        });
        // a path that cannot be decoded, or that no route serves, fails in the server's own router (Camel's is
        // mounted in it)
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            if (server.getConfigurationPort() == webhookPort && server.getServer() != null
                    && server.getServer().requestHandler() instanceof io.vertx.ext.web.Router main) {
                main.errorHandler(400, request -> answer(request, 400,
                        BAD_ESCAPE.matcher(String.valueOf(request.request().path())).find() ? BAD_PATH : BAD_REQUEST));
                main.errorHandler(404, request -> answer(request, 404, NO_SUCH_PATH));
                main.errorHandler(405, request -> answer(request, 405, WRONG_METHOD));
            }
        }
    }

    /** The answer, or while stopping the 503 that makes Didomi send again (whatever else was wrong). */
    private void answer(RoutingContext request, int status, String body) {
        HttpServerResponse response = request.response();
        if (response.ended()) {
            return;
        }
        if (stopping) {
            status = 503;
            body = STOPPING;
            response.putHeader("Retry-After", "30");
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(body);
    }
}
