package io.consentsync.support;

import org.apache.camel.test.AvailablePortFinder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A fresh, empty PostgreSQL database for one test, on a real PostgreSQL server from Debian's {@code postgresql}
 * package (.ci/run installs it when missing). The server (a cluster in a temporary directory, on a free loopback
 * port) is started once per test JVM, on first use, and stopped when the JVM exits; each {@link #start()} creates a
 * database of its own and {@link #close()} drops it, so tests never see each other's rows. PostgreSQL refuses to run
 * as root, so as root it runs as the package's {@code postgres} user.
 *
 * <p>Every initdb / pg_ctl call is bounded: its output is read on another thread and the call is killed after
 * {@link #TOOL_TIMEOUT_SECONDS}, so a stuck tool fails the test instead of hanging the build.
 */
public final class PostgresServer implements AutoCloseable {

    static final long TOOL_TIMEOUT_SECONDS = 90;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Cluster cluster; // one per JVM

    private final String database;

    private PostgresServer(String database) {
        this.database = database;
    }

    /** A new empty database on this JVM's server (started now if it is not yet running). */
    public static PostgresServer start() throws Exception {
        Cluster server = cluster();
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(server.url("postgres"), server.user(), "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new PostgresServer(name);
    }

    private static synchronized Cluster cluster() throws Exception {
        if (cluster == null) {
            cluster = Cluster.start();
            Cluster started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-test-postgres"));
        }
        return cluster;
    }

    public String jdbcUrl() {
        return cluster.url(database);
    }

    /** A data source for this test's database (the "OnPostgres" variants of the store tests use it). */
    public javax.sql.DataSource dataSource() {
        org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
        pg.setUrl(jdbcUrl());
        pg.setUser(user());
        return pg;
    }

    public String user() {
        return cluster.user();
    }

    /** Drops this test's database, closing any connection still open on it (for example a killed connector's). */
    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.url("postgres"), cluster.user(), "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** The server process and its data directory. */
    private static final class Cluster {
        private final Path bin;
        private final Path dir;
        private final int port;

        private Cluster(Path bin, Path dir, int port) {
            this.bin = bin;
            this.dir = dir;
            this.port = port;
        }

        static Cluster start() throws Exception {
            Path bin = findBin();
            Path dir = Files.createTempDirectory("consent-sync-pg");
            int port = AvailablePortFinder.getNextAvailable();
            Cluster server = new Cluster(bin, dir, port);
            if (isRoot()) {
                run(List.of("chown", "postgres:postgres", dir.toString()));
            }
            server.pg("initdb", "-D", dir.resolve("data").toString(), "-U", "consent", "--auth=trust", "-E", "UTF8", "--no-sync");
            server.pg("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                    "start");
            return server;
        }

        String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        String user() {
            return "consent";
        }

        void stop() {
            try {
                pg("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "stop");
            } catch (Exception e) {
                System.err.println("stopping the test PostgreSQL server failed: " + e);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("removing " + dir + " failed: " + e);
            }
        }

        private void pg(String tool, String... args) throws Exception {
            List<String> cmd = new ArrayList<>();
            if (isRoot()) {
                cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            cmd.add(bin.resolve(tool).toString());
            cmd.addAll(Arrays.asList(args));
            run(cmd);
        }
    }

    /**
     * Runs a command with a deadline. The output is drained on another thread (a full pipe would block the tool, and
     * reading to the end here would wait for as long as the tool or any child holding the pipe lives).
     */
    static void run(List<String> cmd) throws Exception {
        run(cmd, TOOL_TIMEOUT_SECONDS);
    }

    static void run(List<String> cmd, long timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        InputStream stdout = p.getInputStream();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds
                    + " s; output so far:\n" + out.getNow("(none)"));
        }
        String output;
        try {
            output = out.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            output = "(a child process still holds the output open)";
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + output);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** PG_BIN, else the newest /usr/lib/postgresql/N/bin that has initdb. */
    private static Path findBin() throws IOException {
        String env = System.getenv("PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                        .orElseThrow(PostgresServer::missing);
            }
        }
        throw missing();
    }

    private static IllegalStateException missing() {
        return new IllegalStateException("PostgreSQL server not found: install Debian's postgresql package "
                + "(.ci/run does) or set PG_BIN to the directory holding initdb and pg_ctl");
    }
}
