package io.consentsync.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stuck initdb or pg_ctl cannot hang the build: every tool call is bounded. */
class PostgresServerTest {

    @Test
    @Timeout(20)
    void aToolThatDoesNotFinishIsKilledAtTheDeadline() {
        Instant start = Instant.now();
        assertThatThrownBy(() -> PostgresServer.run(List.of("sh", "-c", "echo working; sleep 60"), 1))
                .hasMessageContaining("did not finish within 1 s").hasMessageContaining("sleep 60");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(20)
    void aChildThatKeepsTheOutputOpenDoesNotHoldTheCall() throws Exception {
        // as pg_ctl start leaves the server running: the tool exits, a child it started still holds the pipe
        Instant start = Instant.now();
        PostgresServer.run(List.of("sh", "-c", "sleep 60 & echo started"), 10);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(20)
    void aFailingToolFailsWithItsOutput() {
        assertThatThrownBy(() -> PostgresServer.run(List.of("sh", "-c", "echo no space left; exit 3"), 10))
                .hasMessageContaining("exit 3").hasMessageContaining("no space left");
    }
}
