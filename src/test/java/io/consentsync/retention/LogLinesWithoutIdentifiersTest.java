package io.consentsync.retention;

import io.consentsync.http.ErrorResponder;
import io.consentsync.store.ContactClaims;
import io.consentsync.store.EventOutcomeListener;
import io.consentsync.store.EventQueries;
import io.consentsync.store.EventStatus;
import io.consentsync.store.EventStore;
import io.consentsync.store.NewEvent;
import io.consentsync.store.ReasonCode;
import io.consentsync.store.StoredEvent;
import io.consentsync.support.LogCapture;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.Level;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log lines the audit for issue 15 found could quote a person's address: an exception's text (an unexpected error
 * answering an HTTP request, an outcome listener's failure). They log it masked.
 */
class LogLinesWithoutIdentifiersTest {

    private static final String EMAIL = "quoted.person@example.com";

    @Test
    void anUnexpectedErrorIsLoggedWithoutTheAddressItQuotes() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("cannot handle " + EMAIL));
        try (LogCapture log = LogCapture.start(Level.INFO, "io.consentsync")) {
            new ErrorResponder().process(exchange);
            assertThat(log.text()).contains("Unexpected error handling").contains("<email>").doesNotContain(EMAIL);
        }
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(500);
    }

    @Test
    void aFailingOutcomeListenerIsLoggedWithoutTheAddressItQuotes() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
        ContactClaims claims = new ContactClaims(h2, "log-test", 30000);
        EventStore store = new EventStore(h2, claims, new EventQueries(h2), Clock.systemUTC(), Duration.ofMinutes(5), 50);
        store.addListener(new EventOutcomeListener() {
            @Override
            public void onAccepted(String type, boolean duplicate) {
            }

            @Override
            public void onOutcome(StoredEvent event) {
                throw new IllegalStateException("no outcome for " + event.organizationUserId());
            }
        });
        try (LogCapture log = LogCapture.start(Level.INFO, "io.consentsync")) {
            store.accept(new NewEvent("user.deleted:u-1:1", "user.deleted", EMAIL, EMAIL, null, Instant.now(), 1, "{}",
                    EventStatus.IGNORED, "recorded only", ReasonCode.DELETION));
            assertThat(log.text()).contains("outcome listener failed").doesNotContain(EMAIL);
        }
    }
}
