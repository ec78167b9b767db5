package io.consentsync.support;

import org.apache.camel.test.AvailablePortFinder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The connector as a separate JVM (java -cp ... io.consentsync.App, from the repo root unless told otherwise), for tests
 * that must kill a real process, watch it exit or start it elsewhere.
 */
public final class ConnectorProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path log;
    private final String adminPassword;
    public final int port;
    public final int managementPort;

    private ConnectorProcess(Process process, Path log, String adminPassword, int port, int managementPort) {
        this.process = process;
        this.log = log;
        this.adminPassword = adminPassword;
        this.port = port;
        this.managementPort = managementPort;
    }

    public static ConnectorProcess start(Map<String, String> properties, Path log) throws IOException {
        return start(properties, log, Map.of());
    }

    /** With extra environment variables, e.g. libfaketime's {@code LD_PRELOAD} and {@code FAKETIME}. */
    public static ConnectorProcess start(Map<String, String> properties, Path log, Map<String, String> environment)
            throws IOException {
        return start(properties, log, environment, null);
    }

    /**
     * Started in {@code workingDirectory} instead of the repo root (null: the repo root), e.g. an empty directory
     * where no routes/ or application.properties exist and the copies on the classpath (target/classes) are used.
     */
    public static ConnectorProcess start(Map<String, String> properties, Path log, Map<String, String> environment,
            Path workingDirectory) throws IOException {
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the client compiler and the serial collector: a test process is up in about half the CPU time on
                // the 2-core build machine, and in a third of the time under libfaketime (which wraps each of the many
                // clock calls a JIT compiler thread makes); what the connector does is the same
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"),
                "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + management));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("io.consentsync.App");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        Process p = builder.start();
        return new ConnectorProcess(p, log, properties.get("sync.admin.password"), port, management);
    }

    /** Waits until readiness answers UP. */
    public ConnectorProcess awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("connector exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/observe/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("connector not ready in " + timeout + ":\n" + output());
    }

    /** SIGKILL: no shutdown hook, no graceful stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("connector still running after " + timeout);
        }
        return process.exitValue();
    }

    /**
     * An admin API call with the {@code sync.admin.password} this process was started with; a body (null: none) is
     * sent as JSON.
     */
    public HttpResponse<String> admin(String method, String path, String jsonBody) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString(("admin:" + adminPassword).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
