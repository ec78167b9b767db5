package io.consentsync.store;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.consentsync.support.ConnectorProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.consentsync.store.StoreProcessSupport.postEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** The H2 files hold full payloads with e-mail addresses: the directory and files are the owner's alone. */
class StoreFilePermissionsTest {

    @TempDir
    Path tmp;
    private final WireMockServer dotdigital = StoreProcessSupport.dotdigitalDown();

    @AfterEach
    void stopStub() {
        dotdigital.stop();
    }

    @Test
    void theStoreDirectoryAndFilesAreNotReadableByGroupOrOthers() throws Exception {
        Path dir = tmp.resolve("data");
        try (ConnectorProcess connector = ConnectorProcess.start(StoreProcessSupport.properties(tmp, dotdigital,
                "jdbc:h2:file:" + dir.resolve("consent-sync")), tmp.resolve("connector.log"))) {
            connector.awaitReady(Duration.ofSeconds(60));
            assertThat(postEvent(connector.port, "evt-perm", "perm@example.com").statusCode()).isEqualTo(202);

            assertThat(Files.getPosixFilePermissions(dir)).as(dir.toString()).allMatch(p -> p.name().startsWith("OWNER"));
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.toList();
            }
            assertThat(files).as("store files").isNotEmpty();
            for (Path f : files) {
                assertThat(Files.getPosixFilePermissions(f)).as(f.toString())
                        .allMatch(p -> p.name().startsWith("OWNER"))
                        .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
            }
        }
    }
}
