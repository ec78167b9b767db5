import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backfill benchmark (issue 13): a reconcile run over N Didomi users (default 100,000) into an empty upsert-mode
 * Dotdigital account, then a second run over the same users. Reports the time until every contact holds its value, the
 * Dotdigital calls per 250 users, the connector's peak heap (-Xms/-Xmx 256m) and what the second run wrote; side by side
 * with the Didomi stub's own limit (every page read by a plain HTTP client, one at a time as the run does).
 * <p>
 * {@code java -cp target/dotdigital-consent-sync.jar bench/ReconcileBench.java [--users=100000] [--latency-ms=20]}
 */
public class ReconcileBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:bench-admin".getBytes(StandardCharsets.UTF_8));

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("users", "100000", "latency-ms", "20", "heap", "256m"));
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int users = Integer.parseInt(opts.get("users"));
        long latency = Long.parseLong(opts.get("latency-ms"));
        Path dir = Files.createTempDirectory("reconcile-bench");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("users", users);
        result.put("stubLatencyMs", latency);
        try (Stub stub = new Stub(users, latency)) {
            result.put("didomiStubLimitSeconds", round(stubLimit(stub, users)));
            stub.reset();
            try (Connector connector = Connector.start(dir, stub, opts.get("heap"))) {
                MemoryWatch watch = new MemoryWatch(connector);
                watch.start();
                long start = System.nanoTime();
                JsonNode first = run(connector);
                double runSeconds = (System.nanoTime() - start) / 1e9;
                awaitAllWritten(stub, users, Duration.ofMinutes(20));
                double writtenSeconds = (stub.lastWriteNanos.get() - start) / 1e9;
                long calls = stub.dotdigitalCalls.get();
                result.put("firstRun", first);
                result.put("firstRunSeconds", round(runSeconds));
                result.put("allWrittenSeconds", round(writtenSeconds));
                result.put("dotdigitalCalls", calls);
                result.put("dotdigitalCallsByKind", new LinkedHashMap<>(stub.callsByKind));
                result.put("usersPerDotdigitalCall", round((double) users / Math.max(1, calls)));
                result.put("contactsWrong", stub.contactsWrong(users));
                awaitDrained(connector);
                long before = stub.dotdigitalWrites.get();
                JsonNode second = run(connector);
                Thread.sleep(3000); // anything it queued would be written by now: the check below must see 0
                result.put("secondRun", second);
                result.put("secondRunDotdigitalWrites", stub.dotdigitalWrites.get() - before);
                watch.stopWatching();
                result.put("peakHeapMiB", watch.peakHeap / (1024 * 1024));
                result.put("peakRssMiB", watch.peakRssKb / 1024);
                result.put("maxHeap", opts.get("heap"));
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        Files.createDirectories(Path.of("bench/results"));
        Files.writeString(Path.of("bench/results/reconcile.json"), json);
        System.out.println(json);
    }

    /** Reads every page straight from the stub, one at a time: how fast the run could page at best. */
    static double stubLimit(Stub stub, int users) throws Exception {
        long start = System.nanoTime();
        for (int skip = 0; skip < users; skip += 100) {
            send(HttpRequest.newBuilder(URI.create(stub.url() + "/consents/users?organization_id=bench&%24limit=100&%24skip=" + skip))
                    .header("Authorization", "Bearer limit").build());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    static JsonNode run(Connector c) throws Exception {
        HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(c.url() + "/admin/reconcile"))
                .header("Authorization", ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("POST /admin/reconcile answered " + started.statusCode() + ": " + started.body());
        }
        String id = JSON.readTree(started.body()).path("id").asText();
        while (true) {
            JsonNode run = JSON.readTree(send(HttpRequest.newBuilder(URI.create(c.url() + "/admin/reconcile/" + id))
                    .header("Authorization", ADMIN).build()).body());
            if (!run.path("status").asText().equals("running")) {
                System.out.println("run: " + run);
                return run;
            }
            Thread.sleep(500);
        }
    }

    static void awaitAllWritten(Stub stub, int users, Duration timeout) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (stub.written.size() < users) {
            if (Instant.now().isAfter(end)) {
                throw new IllegalStateException("only " + stub.written.size() + " of " + users + " contacts written");
            }
            Thread.sleep(250);
        }
    }

    static void awaitDrained(Connector c) throws Exception {
        while (true) {
            JsonNode counts = JSON.readTree(send(HttpRequest.newBuilder(URI.create(c.url() + "/admin/summary"))
                    .header("Authorization", ADMIN).build()).body()).path("counts");
            if (counts.path("waiting").asLong() == 0) {
                System.out.println("drained: " + counts);
                return;
            }
            Thread.sleep(500);
        }
    }

    /** Didomi (sessions, users generated on the fly) and Dotdigital (data fields, PATCH, bulk import) on one port. */
    static final class Stub implements AutoCloseable {
        final HttpServer server;
        final int users;
        final long latencyMs;
        final AtomicLong dotdigitalCalls = new AtomicLong();
        final AtomicLong dotdigitalWrites = new AtomicLong();
        final AtomicLong lastWriteNanos = new AtomicLong();
        final Map<String, AtomicLong> callsByKind = new ConcurrentHashMap<>();
        final Map<String, String> written = new ConcurrentHashMap<>();
        final Map<String, ArrayNode> imports = new ConcurrentHashMap<>();
        final Map<String, Long> importReadyAt = new ConcurrentHashMap<>();

        Stub(int users, long latencyMs) throws IOException {
            this.users = users;
            this.latencyMs = latencyMs;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setExecutor(Executors.newFixedThreadPool(32));
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void reset() {
            dotdigitalCalls.set(0);
            callsByKind.clear();
        }

        static String topics(int i) {
            return "t" + (i % 7);
        }

        int contactsWrong(int n) {
            int wrong = 0;
            for (int i = 0; i < n; i++) {
                if (!topics(i).equals(written.get("backfill" + i + "@example.com"))) {
                    wrong++;
                }
            }
            return wrong;
        }

        private void handle(HttpExchange x) throws IOException {
            try (x) {
                String method = x.getRequestMethod();
                String path = x.getRequestURI().getPath();
                String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                sleep(latencyMs);
                if (path.equals("/sessions")) {
                    reply(x, 200, "{\"access_token\": \"bench-token\"}");
                    return;
                }
                if (path.equals("/consents/users")) {
                    reply(x, 200, page(x.getRequestURI().getRawQuery()));
                    return;
                }
                String kind = method + " " + (path.startsWith("/contacts/v3/import/") ? "/contacts/v3/import/{id}"
                        : path.startsWith("/contacts/v3/email/") ? "/contacts/v3/email/{email}" : path);
                dotdigitalCalls.incrementAndGet();
                callsByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                if (method.equals("GET") && path.equals("/v2/data-fields")) {
                    reply(x, 200, "[{\"name\":\"NEWSLETTER\",\"type\":\"Boolean\",\"visibility\":\"Private\",\"defaultValue\":null},"
                            + "{\"name\":\"TOPICS\",\"type\":\"String\",\"visibility\":\"Private\",\"defaultValue\":null}]");
                } else if (method.equals("PATCH") && path.startsWith("/contacts/v3/email/")) {
                    dotdigitalWrites.incrementAndGet();
                    JsonNode b = JSON.readTree(body);
                    write(b.path("identifiers").path("email").asText(), b.path("dataFields"));
                    reply(x, 200, "{\"contactId\": 1, \"status\": \"subscribed\"}");
                } else if (method.equals("PUT") && path.equals("/contacts/v3/import")) {
                    dotdigitalWrites.incrementAndGet();
                    String id = UUID.randomUUID().toString();
                    ArrayNode contacts = (ArrayNode) JSON.readTree(body).path("contacts");
                    imports.put(id, contacts);
                    importReadyAt.put(id, System.currentTimeMillis() + 500 + contacts.size() / 10);
                    reply(x, 202, "{\"importId\": \"" + id + "\"}");
                } else if (method.equals("GET") && path.startsWith("/contacts/v3/import/")) {
                    String id = path.substring("/contacts/v3/import/".length());
                    ArrayNode contacts = imports.get(id);
                    if (contacts == null) {
                        reply(x, 404, "{\"errorCode\":\"contacts:importNotFound\"}");
                    } else if (System.currentTimeMillis() < importReadyAt.get(id)) {
                        reply(x, 200, "{\"importId\": \"" + id + "\", \"status\": \"NotFinished\"}");
                    } else {
                        ObjectNode report = JSON.createObjectNode().put("importId", id).put("status", "Finished");
                        ArrayNode created = report.putArray("created");
                        for (JsonNode c : contacts) {
                            write(c.path("identifiers").path("email").asText(), c.path("dataFields"));
                            created.addObject().put("contactId", 1).set("identifiers", c.path("identifiers"));
                        }
                        report.putArray("failures");
                        reply(x, 200, JSON.writeValueAsString(report));
                    }
                } else {
                    reply(x, 404, "{\"errorCode\":\"server:notFound\"}");
                }
            }
        }

        /** {"total","limit","skip","data"}: users skip.. skip+99, generated, never all in memory. */
        private String page(String rawQuery) throws IOException {
            Map<String, String> q = new HashMap<>();
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            int skip = Integer.parseInt(q.getOrDefault("$skip", "0"));
            int limit = Math.min(100, Integer.parseInt(q.getOrDefault("$limit", "100")));
            ObjectNode page = JSON.createObjectNode().put("total", users).put("limit", limit).put("skip", skip);
            ArrayNode data = page.putArray("data");
            for (int i = skip; i < Math.min(users, skip + limit); i++) {
                ObjectNode u = data.addObject().put("id", "didomi-" + i).put("organization_id", "bench")
                        .put("organization_user_id", "backfill" + i + "@example.com").put("version", 1)
                        .put("created_at", "2024-01-01T00:00:00.000Z").put("updated_at", "2024-06-01T10:00:00.000Z");
                ArrayNode purposes = u.putObject("consents").putArray("purposes");
                purposes.addObject().put("id", "newsletter").put("enabled", i % 2 == 0);
                purposes.addObject().put("id", "marketing").put("enabled", true)
                        .putObject("values").putObject("topics").put("value", topics(i));
            }
            return JSON.writeValueAsString(page);
        }

        private void write(String email, JsonNode dataFields) {
            if (dataFields.has("TOPICS")) {
                written.put(email, dataFields.get("TOPICS").asText());
            }
            lastWriteNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }

        private static void reply(HttpExchange x, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    static final class Connector implements AutoCloseable {
        final Process process;
        final int port;
        final int managementPort;

        private Connector(Process process, int port, int managementPort) {
            this.process = process;
            this.port = port;
            this.managementPort = managementPort;
        }

        static Connector start(Path dir, Stub stub, String heap) throws Exception {
            Path integration = dir.resolve("integration.json");
            Files.writeString(integration, """
                    {"type_id": "dotdigital", "authentication": {"url": "%s", "username": "apiuser-bench@apiconnector.com",
                     "password": "bench"},
                     "mappings": [{"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                                  {"id": "TOPICS", "value": "consents_purposes_marketing_values_topics_value"}],
                     "upsert_mode": true}""".formatted(stub.url()));
            int port = freePort();
            int management = freePort();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms" + heap, "-Xmx" + heap, "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + management,
                    "-Dsync.integration-file=" + integration,
                    "-Dsync.store.jdbc-url=jdbc:h2:file:" + dir.resolve("store") + ";QUERY_CACHE_SIZE=64",
                    "-Dsync.admin.password=bench-admin", "-Dsync.mapping-check.initial-delay-ms=3600000",
                    "-Dsync.didomi.api-url=" + stub.url(), "-Dsync.didomi.organization-id=bench",
                    "-Dsync.didomi.api-key=bench-key", "-Dsync.didomi.api-secret=bench-secret",
                    "-jar", "target/dotdigital-consent-sync.jar"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("connector.log").toFile()).start();
            Connector c = new Connector(p, port, management);
            Instant end = Instant.now().plusSeconds(90);
            while (Instant.now().isBefore(end)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("connector exited:\n" + Files.readString(dir.resolve("connector.log")));
                }
                try {
                    if (send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/health/ready")).build())
                            .statusCode() == 200) {
                        return c;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("connector not ready:\n" + Files.readString(dir.resolve("connector.log")));
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        long heapUsed() throws Exception {
            String metrics = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")).build()).body();
            long sum = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        long rssPeakKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException e) {
                // gone
            }
            return 0;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static final class MemoryWatch extends Thread {
        final Connector connector;
        volatile boolean running = true;
        volatile long peakHeap;
        volatile long peakRssKb;

        MemoryWatch(Connector connector) {
            this.connector = connector;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                try {
                    peakHeap = Math.max(peakHeap, connector.heapUsed());
                    peakRssKb = Math.max(peakRssKb, connector.rssPeakKb());
                    Thread.sleep(250);
                } catch (Exception e) {
                    // keep sampling
                }
            }
        }

        void stopWatching() {
            running = false;
        }
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
