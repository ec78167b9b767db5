package io.consentsync.store;

import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Which URLs are an embedded H2 file, and that each of them writes a commit to the file before it returns. */
class EventStoreDataSourceTest {

    @Test
    void embeddedFileUrlsAreMadeDurableOthersAreLeftAlone() {
        assertThat(EventStoreDataSource.durable("jdbc:h2:file:./data/x;QUERY_CACHE_SIZE=64"))
                .isEqualTo("jdbc:h2:file:./data/x;QUERY_CACHE_SIZE=64;WRITE_DELAY=0");
        assertThat(EventStoreDataSource.durable("jdbc:h2:./x;write_delay=0")).isEqualTo("jdbc:h2:./x;write_delay=0");
        assertThat(EventStoreDataSource.durable("jdbc:h2:./x;WRITE_DELAY=500")).as("an explicit choice, warned about")
                .isEqualTo("jdbc:h2:./x;WRITE_DELAY=500");

        assertThat(EventStoreDataSource.embeddedH2File("jdbc:h2:file:/var/lib/sync/consent-sync;X=1"))
                .isEqualTo(Path.of("/var/lib/sync/consent-sync"));
        assertThat(EventStoreDataSource.embeddedH2File("jdbc:h2:./data/consent-sync"))
                .isEqualTo(Path.of("data/consent-sync").toAbsolutePath());
        assertThat(EventStoreDataSource.embeddedH2File("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1")).isNull();
        assertThat(EventStoreDataSource.embeddedH2File("jdbc:h2:tcp://db/x")).isNull();
        assertThat(EventStoreDataSource.embeddedH2File("jdbc:postgresql://db/x")).isNull();
    }

    @Test
    void theShippedDefaultsWriteEachCommitAtOnce() throws Exception {
        Properties shipped = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(r);
        }
        // the only default: the code has no fallback of its own (defaults live in application.properties)
        String url = shipped.getProperty("sync.store.jdbc-url");
        assertThat(EventStoreDataSource.embeddedH2File(url)).as(url).isNotNull();
        assertThat(url).containsIgnoringCase(";WRITE_DELAY=0");
    }
}
