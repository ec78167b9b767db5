package io.consentsync.store;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.consentsync.store.StoreProcessSupport.idOf;
import static io.consentsync.store.StoreProcessSupport.postEvent;
import static io.consentsync.store.StoreProcessSupport.storedIds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 202 means the consent is on disk at that moment: kill -9 the connector within milliseconds of the last 202 (no
 * wait) and every acknowledged event is in the store. H2's default write delay lost up to the last 500 ms of them.
 */
class AckDurabilityTest {

    private static final int EVENTS = 60;

    @TempDir
    Path tmp;
    private final WireMockServer dotdigital = StoreProcessSupport.dotdigitalDown();

    @AfterEach
    void stopStub() {
        dotdigital.stop();
    }

    @Test
    void everyEventAnswered202SurvivesKillRightAfterTheAnswer() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("store").resolve("consent-sync"); // as a user writes it: no WRITE_DELAY
        List<String> acknowledged = new ArrayList<>();
        try (ConnectorProcess connector = ConnectorProcess.start(StoreProcessSupport.properties(tmp, dotdigital, url),
                tmp.resolve("connector.log"))) {
            connector.awaitReady(Duration.ofSeconds(60));
            for (int i = 0; i < EVENTS; i++) {
                HttpResponse<String> r = postEvent(connector.port, "evt-ack-" + i, "ack" + i + "@example.com");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                acknowledged.add(idOf(r));
            }
            connector.kill(); // SIGKILL at once: no shutdown hook, nothing flushed on the way out
        }
        assertThat(storedIds(url)).as("events answered 202 and then lost to kill -9").containsAll(acknowledged);
    }
}
