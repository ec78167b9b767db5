package io.consentsync.store;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.consentsync.store.StoreProcessSupport.idOf;
import static io.consentsync.store.StoreProcessSupport.postEvent;
import static io.consentsync.store.StoreProcessSupport.readiness;
import static io.consentsync.store.StoreProcessSupport.storedIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store on a real 40 MB filesystem that fills up: no 202 for an event that did not reach the disk, 503 and
 * readiness DOWN while full, and back to 202 and UP without a restart once space is freed.
 */
class DiskFullTest {

    @TempDir
    Path tmp;
    private Path fs;
    private WireMockServer dotdigital;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        fs = Files.createDirectories(tmp.resolve("fs"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", fs.toString()) == 0,
                "needs to mount a tmpfs (root)");
        dotdigital = StoreProcessSupport.dotdigitalDown();
    }

    @AfterEach
    void unmount() throws Exception {
        if (dotdigital != null) {
            dotdigital.stop();
            run("umount", fs.toString());
        }
    }

    @Test
    void aFullDiskIsNeverAcknowledgedAndTheConnectorRecoversWhenSpaceIsFreed() throws Exception {
        String url = "jdbc:h2:file:" + fs.resolve("store").resolve("consent-sync");
        Path filler = fs.resolve("filler");
        List<String> acknowledged = new ArrayList<>();
        try (ConnectorProcess connector = ConnectorProcess.start(StoreProcessSupport.properties(tmp, dotdigital, url),
                tmp.resolve("connector.log"))) {
            connector.awaitReady(Duration.ofSeconds(60));
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = postEvent(connector.port, "evt-before-" + i, "before" + i + "@example.com");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                acknowledged.add(idOf(r));
            }

            fill(filler);
            // H2 may still reuse free pages inside its file for a while: whatever it acknowledges must be on disk
            int answer = 0;
            for (int i = 0; i < 200 && answer != 503; i++) {
                HttpResponse<String> r = postEvent(connector.port, "evt-full-" + i, "full" + i + "@example.com");
                answer = r.statusCode();
                if (answer == 202) {
                    acknowledged.add(idOf(r));
                }
            }
            assertThat(answer).as("a webhook refused while the disk is full").isEqualTo(503);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(readiness(connector.managementPort)).as("readiness while full").isEqualTo(503));
            assertThat(postEvent(connector.port, "evt-still-full", "still@example.com").statusCode()).isEqualTo(503);

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(readiness(connector.managementPort)).as("readiness once space is free").isEqualTo(200));
            HttpResponse<String> after = postEvent(connector.port, "evt-after", "after@example.com");
            assertThat(after.statusCode()).as(after.body()).isEqualTo(202);
            acknowledged.add(idOf(after));
            connector.kill();
        }
        assertThat(storedIds(url)).as("events answered 202 that are not in the store after a restart")
                .containsAll(acknowledged);
    }

    /** Writes until the filesystem says no space is left. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full).hasMessageContaining("No space left");
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
