package io.consentsync.reconcile;

import io.consentsync.config.IntegrationConfig;
import io.consentsync.delivery.ExchangeVariables;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The next page of {@code GET {api-url}/consents/users}: {@code organization_id}, {@code $limit} (at most 100, Didomi's
 * cap), {@code $skip} (the users read so far), {@code regulation[$in]} once per regulation of
 * {@code properties.regulations}, and {@code organization_user_id} when the run is for one user. Sets the URL in
 * {@code CamelHttpUri} / {@code CamelHttpQuery} (percent-encoded: {@code $}, {@code [}, {@code ]} and the ids).
 */
public class UsersPageRequest implements Processor {

    public static final int PAGE_SIZE = 100;

    private final DidomiSettings settings;
    private final Supplier<IntegrationConfig> config;

    public UsersPageRequest(DidomiSettings settings, Supplier<IntegrationConfig> config) {
        this.settings = settings;
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        ReconcileRun run = exchange.getVariable(ExchangeVariables.RECONCILE_RUN, ReconcileRun.class);
        StringBuilder query = new StringBuilder()
                .append("organization_id=").append(enc(settings.organizationId()))
                .append("&").append(enc("$limit")).append("=").append(PAGE_SIZE)
                .append("&").append(enc("$skip")).append("=").append(run.skip());
        for (String regulation : config.get().regulations()) {
            query.append("&").append(enc("regulation[$in]")).append("=").append(enc(regulation));
        }
        if (run.organizationUserId() != null) {
            query.append("&organization_user_id=").append(enc(run.organizationUserId()));
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
        exchange.getMessage().setHeader(Exchange.HTTP_URI, settings.apiUrl() + "/consents/users");
        exchange.getMessage().setHeader(Exchange.HTTP_QUERY, query.toString());
        exchange.getMessage().setBody(null);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
