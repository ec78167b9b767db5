package io.consentsync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.store.EventStoreUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** Turns the exception that stopped an HTTP request into the status and JSON body the caller gets. */
public class ErrorResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable cause = known(caught);
        // the message still carries the request's headers, query parameters and form fields: answer with ours only
        exchange.getMessage().removeHeaders("*");
        int status;
        Map<String, Object> body;
        if (cause instanceof RejectedRequestException rejected) {
            status = rejected.status();
            body = rejected.body();
            if (rejected.challenge() != null) {
                exchange.getMessage().setHeader("WWW-Authenticate", rejected.challenge());
            }
            if (rejected.retryAfter() != null) {
                exchange.getMessage().setHeader("Retry-After", rejected.retryAfter());
            }
        } else if (cause instanceof EventStoreUnavailableException) {
            LOG.error("Event store unavailable, answering 503: {}", cause.getMessage());
            status = 503;
            body = Map.of("error", "store_unavailable", "message", "the event could not be stored; retry later");
            exchange.getMessage().setHeader("Retry-After", "30");
        } else {
            // the exception's text may quote the request (an address): masked here, the stack trace only at DEBUG
            LOG.error("Unexpected error handling {}: {}", exchange.getFromRouteId(),
                    io.consentsync.observe.OutcomeLog.mask(String.valueOf(caught)));
            LOG.debug("Unexpected error handling {} (stack trace, may quote request data)", exchange.getFromRouteId(), caught);
            status = 500;
            body = Map.of("error", "internal_error", "message", "unexpected error; see the connector log");
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(JSON.writeValueAsString(body));
    }

    /** The first rejection or store failure in the cause chain: bean calls from YAML wrap what the bean threw. */
    private static Throwable known(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedRequestException || t instanceof EventStoreUnavailableException) {
                return t;
            }
        }
        return caught;
    }
}
