package io.consentsync.dotdigital;

import io.consentsync.store.DeliveryPauses;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances sharing one store and one API user: an outage or credentials pause one of them starts holds back all, and
 * one probe per interval is sent between them, not one each. {@link SharedAccountPauseOnPostgresTest} runs the same
 * checks on PostgreSQL.
 */
class SharedAccountPauseTest {

    static final String USER = "apiuser-1@apiconnector.com";
    DataSource store;

    @BeforeEach
    void createStore() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = migrated(h2);
    }

    static DataSource migrated(DataSource store) {
        Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();
        return store;
    }

    private AccountPause instance(String id, Duration probeInterval) {
        return new AccountPause(new DeliveryPauses(store, Clock.systemUTC()), USER, id, 5, probeInterval, Clock.systemUTC(), 0);
    }

    @Test
    void anOutageOneInstanceSeesPausesAllAndOnlyOneProbesPerInterval() {
        AccountPause a = instance("a", Duration.ofMillis(300));
        AccountPause b = instance("b", Duration.ofMillis(300));
        for (int i = 0; i < 4; i++) {
            a.transientFailure("HTTP 503");
        }
        assertThat(b.isOpen()).as("four failures are not an outage yet").isTrue();
        a.transientFailure("HTTP 503");
        assertThat(b.isOpen()).isFalse();
        assertThat(b.isPausedFor(AccountPause.OUTAGE)).isTrue();
        assertThat(b.pause().orElseThrow().detail()).contains("5 transient failures in a row");

        // the first probe is due one interval after the start; then one instance wins each interval
        assertThat(a.probeDue() || b.probeDue()).isFalse();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> a.probeDue() || b.probeDue());
        assertThat(a.probeDue()).isFalse();
        assertThat(b.probeDue()).isFalse();

        b.probeSucceeded();
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
    }

    @Test
    void credentialsRejectedDuringAnOutageSayWhy() {
        AccountPause a = instance("a", Duration.ofSeconds(30));
        AccountPause b = instance("b", Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            a.transientFailure("timeout");
        }
        b.credentialsRejected(401, "HTTP 401 from Dotdigital: Authorization has been denied");
        assertThat(a.isPausedFor(AccountPause.CREDENTIALS)).isTrue();
        assertThat(a.pause().orElseThrow().statusCode()).isEqualTo(401);
    }

    @Test
    void anAnswerEndsTheRunOfFailures() {
        AccountPause a = instance("a", Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
            a.transientFailure("HTTP 503");
        }
        a.answered();
        a.transientFailure("HTTP 503");
        assertThat(a.isOpen()).isTrue();
    }

    @Test
    void aPauseThatComesBackRightAfterAResumeDoublesTheProbeInterval() {
        AccountPause a = instance("a", Duration.ofSeconds(10));
        AccountPause b = instance("b", Duration.ofSeconds(10));
        for (int round = 0; round < 3; round++) { // the probe answers, the writes still fail: a partial outage
            for (int i = 0; i < 5; i++) {
                a.transientFailure("HTTP 503 on contacts");
            }
            assertThat(b.isOpen()).isFalse();
            a.probeSucceeded();
            assertThat(b.isOpen()).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            a.transientFailure("HTTP 503 on contacts");
        }
        assertThat(a.probeInterval()).isEqualTo(Duration.ofSeconds(80));
        assertThat(b.isOpen()).isFalse();
        assertThat(b.probeInterval()).as("every instance sees the same flapping").isEqualTo(Duration.ofSeconds(80));
    }
}
