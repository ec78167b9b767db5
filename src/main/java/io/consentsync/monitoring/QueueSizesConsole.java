package io.consentsync.monitoring;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.BrowsableEndpoint;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

import java.util.Map;

/**
 * {@code /q/dev/browse} without the messages: Camel's own browse console prints the bodies waiting in each queue, and
 * here those are claims naming contacts by their e-mail address (found by an outside test). In its place this one
 * tells each browsable endpoint (the seda queues between routes) and how many messages wait in it.
 */
public class QueueSizesConsole extends AbstractDevConsole {

    public QueueSizesConsole() {
        super("camel", "browse", "Browse", "How many messages wait in each queue (no message content)");
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonArray queues = new JsonArray();
        for (Endpoint endpoint : getCamelContext().getEndpoints()) {
            if (endpoint instanceof BrowsableEndpoint browsable) {
                JsonObject queue = new JsonObject();
                queue.put("endpointUri", endpoint.getEndpointBaseUri());
                queue.put("queueSize", browsable.getExchanges().size());
                queues.add(queue);
            }
        }
        JsonObject root = new JsonObject();
        root.put("browse", queues);
        return root;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder text = new StringBuilder();
        for (Object q : (JsonArray) doCallJson(options).get("browse")) {
            JsonObject queue = (JsonObject) q;
            text.append(queue.get("endpointUri")).append(": ").append(queue.get("queueSize")).append(" waiting\n");
        }
        return text.toString();
    }
}
