package io.consentsync.reconcile;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code POST {api-url}/sessions} with the API key and secret as its JSON body (never in a header or a log). */
public class SessionRequest implements Processor {

    private final DidomiSession session;

    public SessionRequest(DidomiSession session) {
        this.session = session;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader(Exchange.HTTP_URI, session.settings().apiUrl() + "/sessions");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(session.sessionRequest());
    }
}
