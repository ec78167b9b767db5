package io.consentsync.support;

import java.nio.file.Path;

/**
 * The log file this test JVM writes (src/test/resources/log4j2-test.properties): one per Surefire fork, named by the
 * fork's number, so a test that reads it sees only lines of its own JVM, never those of a test running beside it.
 */
public final class TestLogFile {

    public static final Path PATH = Path.of("target/test-logs/connector-" + System.getProperty("test.fork", "1") + ".log");

    private TestLogFile() {
    }
}
