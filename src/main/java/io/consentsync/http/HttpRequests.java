package io.consentsync.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Reads the HTTP request itself. platform-http merges request headers, query parameters and form fields into one set
 * of message headers, so a credential read from the message could have come from the URL: read it here instead.
 */
public final class HttpRequests {

    private HttpRequests() {
    }

    /** The Vert.x request behind the exchange, or null when the exchange did not come from platform-http. */
    static HttpServerRequest request(Exchange exchange) {
        HttpMessage message = exchange.getIn(HttpMessage.class);
        return message == null ? null : message.getRequest();
    }

    /** A real HTTP request header (never a query parameter or form field); null when absent. */
    public static String header(Exchange exchange, String name) {
        HttpServerRequest request = request(exchange);
        return request == null ? null : request.getHeader(name);
    }

    /** The urlencoded form fields of the body (never the query string); empty when the body is not a form. */
    public static MultiMap form(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        return request == null ? MultiMap.caseInsensitiveMultiMap() : request.formAttributes();
    }

    /** The client's IP address as the connector sees it (a proxy's when behind one). */
    public static String remoteAddress(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        SocketAddress remote = request == null ? null : request.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }

    /** Host and port the client addressed (Host header, or :authority over HTTP/2); null when unknown. */
    public static HostAndPort authority(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        return request == null ? null : request.authority();
    }

    public static String method(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        return request == null ? "" : request.method().name();
    }
}
