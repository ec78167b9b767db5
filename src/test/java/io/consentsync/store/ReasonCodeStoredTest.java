package io.consentsync.store;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An outcome's reason code is stored with the event (V8), so an event read back from the store, after a restart or by
 * the outcome listeners (metrics, the outcome log), still carries it.
 */
class ReasonCodeStoredTest {

    DataSource db;
    ContactClaims claims;
    EventQueries queries;

    @BeforeEach
    void createStore() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        db = migrated(h2);
    }

    static DataSource migrated(DataSource store) {
        Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();
        return store;
    }

    private EventStore store(List<StoredEvent> told) {
        claims = new ContactClaims(db, "reason-codes", 30000);
        queries = new EventQueries(db);
        EventStore store = new EventStore(db, claims, queries, Clock.systemUTC(), Duration.ofMinutes(5), 50);
        store.addListener(new EventOutcomeListener() {
            @Override
            public void onAccepted(String type, boolean duplicate) {
            }

            @Override
            public void onOutcome(StoredEvent event) {
                told.add(event);
            }
        });
        return store;
    }

    private static NewEvent event(String id) {
        return new NewEvent("event.created:" + id, "event.created", id + "@example.com", id + "@example.com", "gdpr",
                Instant.parse("2024-05-02T09:00:00Z"), 0, "{}", EventStatus.PENDING, null, null);
    }

    @Test
    void aFinalOutcomeKeepsItsCode() {
        List<StoredEvent> told = new CopyOnWriteArrayList<>();
        EventStore store = store(told);
        String id = store.accept(event("held")).id();
        Claim claim = claims.claimDueContacts(1).get(0);
        StoredEvent loaded = store.loadBatch(claim).get(0);

        store.finishBatch(claim, List.of(new EventOutcome(loaded, EventStatus.DELIVERED, "any wording at all", 200, "{}",
                ReasonCode.ALREADY_HELD)));

        assertThat(queries.find(id).orElseThrow().reasonCode()).isEqualTo(ReasonCode.ALREADY_HELD);
        assertThat(told).extracting(StoredEvent::reasonCode).containsExactly(ReasonCode.ALREADY_HELD);
    }

    @Test
    void aRetryKeepsItsCodeAndTheListenersReadItBack() {
        List<StoredEvent> told = new CopyOnWriteArrayList<>();
        EventStore store = store(told);
        String id = store.accept(event("slow")).id();
        Claim claim = claims.claimDueContacts(1).get(0);
        store.loadBatch(claim);

        store.retryLater(claim, List.of(id), Instant.now().plusSeconds(30), "no answer", ReasonCode.TIMEOUT, null);

        assertThat(queries.find(id).orElseThrow().reasonCode()).isEqualTo(ReasonCode.TIMEOUT);
        assertThat(told).extracting(StoredEvent::reasonCode).containsExactly(ReasonCode.TIMEOUT);
    }

    @Test
    void aReplayClearsTheCode() {
        EventStore store = store(new CopyOnWriteArrayList<>());
        String id = store.accept(event("again")).id();
        Claim claim = claims.claimDueContacts(1).get(0);
        StoredEvent loaded = store.loadBatch(claim).get(0);
        store.finishBatch(claim, List.of(new EventOutcome(loaded, EventStatus.DEAD, "mapping: x", null, null,
                ReasonCode.MAPPING)));

        store.replay(id);

        StoredEvent replayed = queries.find(id).orElseThrow();
        assertThat(replayed.status()).isEqualTo(EventStatus.PENDING);
        assertThat(replayed.reasonCode()).isNull();
    }
}
