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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput benchmark: the connector jar against a Dotdigital stub on loopback, in one run on one machine.
 * Run from the repo root with bench/run.sh (see bench/README.md). Scenarios:
 * <ul>
 *   <li>limit: the stub driven directly by a plain HTTP client at the benchmark's concurrency</li>
 *   <li>light: N events for N contacts through the single-contact write path, sent at the limit's rate; ratio to it</li>
 *   <li>flood: the same, sent as fast as the senders go</li>
 *   <li>ack: webhook acknowledgement latency at a fixed 200 events/s</li>
 *   <li>burst: 10,000 events for 5,000 contacts with the stub limiting to 300 calls/minute</li>
 *   <li>memory: 100,000 events with -Xmx256m</li>
 * </ul>
 * Every scenario checks at the end that each contact holds the value of its newest event and that none is dead.
 */
public class Bench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:bench-admin".getBytes(StandardCharsets.UTF_8));

    /** --connector.KEY=VALUE options: passed to every connector process as -DKEY=VALUE. */
    static final Map<String, String> CONNECTOR_OVERRIDES = new LinkedHashMap<>();
    /** --connector-jvm="...": JVM options of every connector process. */
    static final List<String> CONNECTOR_JVM = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        // the stub answers in one packet; without it Nagle and delayed ACKs add ~40 ms to each stub call
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Map<String, String> opts = new LinkedHashMap<>(Map.of("scenarios", "limit,light,flood,ack,burst,memory",
                "concurrency", "8", "latency-ms", "50", "light-events", "3000", "ack-rate", "200", "ack-seconds", "30",
                "burst-events", "10000", "burst-contacts", "5000", "burst-calls-per-minute", "300", "memory-events", "100000"));
        opts.put("ack-warmup-events", "2000");
        opts.put("connector-jvm", ""); // e.g. --connector-jvm=-XX:+UseSerialGC
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            if (kv[0].startsWith("connector.")) {
                CONNECTOR_OVERRIDES.put(kv[0].substring("connector.".length()), kv.length > 1 ? kv[1] : "true");
            } else {
                opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
            }
        }
        CONNECTOR_JVM.addAll(Arrays.asList(opts.get("connector-jvm").trim().split("\\s+")));
        int concurrency = Integer.parseInt(opts.get("concurrency"));
        long latency = Long.parseLong(opts.get("latency-ms"));
        List<String> scenarios = Arrays.asList(opts.get("scenarios").split(","));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "at", Instant.now().toString()));
        results.put("settings", opts);
        results.put("connectorOverrides", CONNECTOR_OVERRIDES);

        Double limit = null;
        if (scenarios.contains("limit") || scenarios.contains("light") || scenarios.contains("flood")) {
            limit = stubLimit(concurrency, latency, Integer.parseInt(opts.get("light-events")));
            results.put("limit", Map.of("eventsPerSecond", round(limit), "concurrency", concurrency, "stubLatencyMs", latency));
            System.out.printf("limit: the stub alone takes %.1f writes/s at concurrency %d%n", limit, concurrency);
        }
        for (String light : List.of("light", "flood")) {
            if (!scenarios.contains(light)) {
                continue;
            }
            // light: events arrive at the stub's limit rate (what the connector must sustain); flood: as fast as the
            // senders go, intake and delivery competing for the same cores
            int n = Integer.parseInt(opts.get("light-events"));
            int rate = light.equals("light") ? (int) Math.floor(limit) : 0;
            Map<String, Object> r = runLoad(light, n, n, concurrency, rate, 0, latency, 0,
                    Map.of("sync.import.min-waiting-events", "0", "sync.delivery.concurrency", String.valueOf(concurrency)), "512m");
            r.put("sendRate", rate == 0 ? "as fast as possible" : rate + " events/s");
            r.put("ratioToLimit", round((Double) r.get("endToEndEventsPerSecond") / limit));
            results.put(light, r);
        }
        if (scenarios.contains("ack")) {
            int rate = Integer.parseInt(opts.get("ack-rate"));
            int n = rate * Integer.parseInt(opts.get("ack-seconds"));
            // the JIT compiles the hot paths during the first seconds: a warm-up at the same rate is not measured
            results.put("ack", runLoad("ack", n, n, concurrency, rate, Integer.parseInt(opts.get("ack-warmup-events")),
                    latency, 0, Map.of(), "512m"));
        }
        if (scenarios.contains("burst")) {
            results.put("burst", runLoad("burst", Integer.parseInt(opts.get("burst-events")),
                    Integer.parseInt(opts.get("burst-contacts")), concurrency, 0, 0, latency,
                    Integer.parseInt(opts.get("burst-calls-per-minute")), Map.of(), "512m"));
        }
        if (scenarios.contains("memory")) {
            int n = Integer.parseInt(opts.get("memory-events"));
            results.put("memory", runLoad("memory", n, n / 2, concurrency, 0, 0, latency, 0, Map.of(), "256m"));
        }
        Path out = Path.of("bench/results");
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        String md = markdown(results);
        Files.writeString(out.resolve("results.md"), md);
        System.out.println();
        System.out.println(md);
        System.out.println("written: bench/results/results.json, bench/results/results.md");
    }

    // ---------------------------------------------------------------- scenarios

    /** The stub's own limit: PATCH writes from a plain HTTP client, {@code concurrency} at a time. */
    static double stubLimit(int concurrency, long latency, int n) throws Exception {
        try (Stub stub = new Stub(latency, 0)) {
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            runWorkers(concurrency, () -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    send(HttpRequest.newBuilder(URI.create(stub.url() + "/contacts/v3/email/limit" + i + "@example.com?merge-option=overwrite"))
                            .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
                                    "{\"identifiers\":{\"email\":\"limit" + i + "@example.com\"},\"dataFields\":{\"NEWSLETTER\":true}}")).build());
                }
            });
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Starts a stub and the connector jar, sends {@code events} events for {@code contacts} contacts (round r of
     * contact c sets TOPICS to "r{r}" with a later consent time), either as fast as {@code concurrency} senders go
     * or at {@code rate} events/s, waits until none waits, and checks every contact holds its newest value.
     */
    static Map<String, Object> runLoad(String name, int events, int contacts, int concurrency, int rate, int warmup,
                                       long latency, int callsPerMinute, Map<String, String> extra, String heap) throws Exception {
        System.out.printf("%n== %s: %d events for %d contacts, %d senders%s%s, heap %s%n", name, events, contacts, concurrency,
                rate > 0 ? ", " + rate + " events/s" : "", callsPerMinute > 0 ? ", stub limit " + callsPerMinute + " calls/min" : "", heap);
        Path dir = Files.createTempDirectory("consent-sync-bench");
        try (Stub stub = new Stub(latency, callsPerMinute); Connector connector = Connector.start(dir, stub, heap, extra)) {
            if (warmup > 0) {
                sendAll(connector, "warmup-" + name, "warmup", warmup, warmup, concurrency, rate, new long[warmup]);
                awaitDrained(connector, Duration.ofMinutes(5));
                stub.reset();
                System.out.printf("%s: warmed up with %d events%n", name, warmup);
            }
            int rounds = (events + contacts - 1) / contacts;
            long[] ackNanos = new long[events];
            MemoryWatch memory = new MemoryWatch(connector);
            memory.start();
            long start = System.nanoTime();
            int failed = sendAll(connector, name, "member", events, contacts, concurrency, rate, ackNanos);
            long sent = System.nanoTime();
            long callsAtSent = stub.calls.get();
            long[] acks = ackNanos.clone();
            Arrays.sort(acks);
            System.out.printf("%s: all sent in %.1f s, ack p50 %.2f ms, p99 %.2f ms; waiting for delivery%n", name,
                    (sent - start) / 1e9, acks[events / 2] / 1e6, acks[(int) (events * 0.99) - 1] / 1e6);
            JsonNode counts = awaitDrained(connector, Duration.ofMinutes(15));
            long drained = System.nanoTime();
            memory.stopWatching();
            long lastWrite = stub.lastWriteNanos.get();
            Arrays.sort(ackNanos);

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("events", events);
            r.put("contacts", contacts);
            r.put("rejected", failed);
            r.put("ackP50Ms", round(ackNanos[events / 2] / 1e6));
            r.put("ackP99Ms", round(ackNanos[(int) (events * 0.99) - 1] / 1e6));
            r.put("sendSeconds", round((sent - start) / 1e9));
            r.put("endToEndSeconds", round((lastWrite - start) / 1e9));
            r.put("endToEndEventsPerSecond", round(events / ((lastWrite - start) / 1e9)));
            r.put("drainSeconds", round((drained - start) / 1e9));
            // Dotdigital calls per second once all events were sent: delivery without intake competing for the CPU
            r.put("callsPerSecondAfterSending", lastWrite > sent ? round((stub.calls.get() - callsAtSent) / ((lastWrite - sent) / 1e9)) : null);
            r.put("dotdigitalCalls", stub.calls.get());
            r.put("dotdigitalCallsByKind", new LinkedHashMap<>(stub.callsByKind));
            r.put("callsPerEvent", round((double) stub.calls.get() / events));
            r.put("http429", stub.tooMany.get());
            r.put("statusCounts", JSON.convertValue(counts, Map.class));
            r.put("peakHeapUsedMiB", round(memory.peakHeap / 1048576.0));
            r.put("peakRssMiB", round(memory.peakRssKb / 1024.0));
            r.put("maxHeap", heap);
            int wrong = stub.contactsWithout(contacts, rounds, events);
            r.put("contactsNotHoldingTheirNewestValue", wrong);
            System.out.println(name + ": " + r);
            if (wrong > 0 || counts.path("dead").asLong() > 0 || failed > 0) {
                System.out.println("WARNING: " + name + " lost or misordered writes; see the figures above");
            }
            return r;
        } finally {
            deleteTree(dir);
        }
    }

    /** Sends {@code events} events round-robin over the contacts; returns how many were not answered 202. */
    static int sendAll(Connector connector, String idPrefix, String contactPrefix, int events, int contacts, int concurrency,
                       int rate, long[] ackNanos) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        runWorkers(concurrency, () -> {
            int i;
            while ((i = next.getAndIncrement()) < events) {
                if (rate > 0) { // open loop: event i is due at start + i/rate, however long earlier answers took
                    long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                long t0 = System.nanoTime();
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(connector.url() + "/webhooks/didomi"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(event(idPrefix + "-" + i, contactPrefix, i % contacts, i / contacts))).build());
                ackNanos[i] = System.nanoTime() - t0;
                if (r.statusCode() != 202) {
                    failed.incrementAndGet();
                }
            }
        });
        return failed.get();
    }

    static JsonNode awaitDrained(Connector connector, Duration timeout) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(connector.url() + "/admin/summary"))
                    .header("Authorization", ADMIN).build());
            JsonNode counts = JSON.readTree(r.body()).path("counts");
            if (counts.path("waiting").asLong() == 0) {
                return counts;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("events still waiting after " + timeout);
    }

    /** Round r of contact c: consent time r minutes after 09:00, TOPICS "r{r}", newsletter on even rounds. */
    static String event(String id, String contactPrefix, int contact, int round) {
        return "{\"type\": \"event.created\", \"parameters\": {\"entity\": {\"id\": \"" + id + "\", \"created_at\": \""
                + Instant.parse("2024-05-02T09:00:00Z").plusSeconds(60L * round) + "\", \"user\": {\"organization_user_id\": \"" + contactPrefix
                + contact + "@example.com\"}, \"consents\": {\"purposes\": [{\"id\": \"newsletter\", \"enabled\": " + (round % 2 == 0)
                + "}, {\"id\": \"marketing\", \"values\": {\"topics\": {\"value\": \"r" + round + "\"}}}]}}}}";
    }

    // ---------------------------------------------------------------- the Dotdigital stub

    /** Dotdigital on loopback: data fields, v3 PATCH, v3 import; a fixed latency per call and an optional per-minute limit. */
    static final class Stub implements AutoCloseable {
        private static final Pattern CONTACT = Pattern.compile("/contacts/v3/email/([^/?]+)");
        private static final Pattern IMPORT_STATUS = Pattern.compile("/contacts/v3/import/([^/?]+)");
        final HttpServer server;
        final long latencyMs;
        final int callsPerMinute;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong tooMany = new AtomicLong();
        final AtomicLong lastWriteNanos = new AtomicLong();
        final Map<String, AtomicLong> callsByKind = new ConcurrentHashMap<>();
        final Map<String, String> topics = new ConcurrentHashMap<>();
        final Map<String, ArrayNode> imports = new ConcurrentHashMap<>();
        final Map<String, Long> importReadyAt = new ConcurrentHashMap<>();
        private long windowStart = System.currentTimeMillis();
        private int windowCalls;

        Stub(long latencyMs, int callsPerMinute) throws IOException {
            this.latencyMs = latencyMs;
            this.callsPerMinute = callsPerMinute;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setExecutor(Executors.newFixedThreadPool(64));
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** Forgets calls and writes so far (after a warm-up). */
        void reset() {
            calls.set(0);
            tooMany.set(0);
            callsByKind.clear();
            lastWriteNanos.set(0);
        }

        /** How many of the contacts do not hold the TOPICS value of their newest event. */
        int contactsWithout(int contacts, int rounds, int events) {
            int wrong = 0;
            for (int c = 0; c < contacts; c++) {
                int newest = (events - 1 - c) / contacts; // the last round that reached contact c
                if (!("r" + newest).equals(topics.get("member" + c + "@example.com"))) {
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
                String kind = method + " " + (path.startsWith("/contacts/v3/import/") ? "/contacts/v3/import/{id}"
                        : path.startsWith("/contacts/v3/email/") ? "/contacts/v3/email/{email}" : path);
                calls.incrementAndGet();
                callsByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                int remaining = Integer.MAX_VALUE;
                long resetSeconds = 0;
                if (callsPerMinute > 0) {
                    synchronized (this) {
                        long now = System.currentTimeMillis();
                        if (now - windowStart >= 60_000) {
                            windowStart = now;
                            windowCalls = 0;
                        }
                        windowCalls++;
                        remaining = callsPerMinute - windowCalls;
                        resetSeconds = Math.max(1, (windowStart + 60_000 - now + 999) / 1000);
                    }
                    x.getResponseHeaders().add("x-ratelimit-limit", String.valueOf(callsPerMinute));
                    x.getResponseHeaders().add("x-ratelimit-remaining", String.valueOf(Math.max(remaining, 0)));
                    x.getResponseHeaders().add("x-ratelimit-reset", String.valueOf(resetSeconds));
                    if (remaining < 0) {
                        tooMany.incrementAndGet();
                        x.getResponseHeaders().add("Retry-After", String.valueOf(resetSeconds));
                        reply(x, 429, "{\"errorCode\":\"server:tooManyRequests\",\"description\":\"rate limit\"}");
                        return;
                    }
                }
                sleep(latencyMs);
                Matcher m;
                if (method.equals("GET") && path.equals("/v2/data-fields")) {
                    reply(x, 200, "[{\"name\":\"NEWSLETTER\",\"type\":\"Boolean\",\"visibility\":\"Private\",\"defaultValue\":null},"
                            + "{\"name\":\"TOPICS\",\"type\":\"String\",\"visibility\":\"Private\",\"defaultValue\":null}]");
                } else if (method.equals("PATCH") && (m = CONTACT.matcher(path)).matches()) {
                    JsonNode b = JSON.readTree(body);
                    write(b.path("identifiers").path("email").asText(), b.path("dataFields"));
                    reply(x, 200, "{\"contactId\": 1, \"status\": \"subscribed\"}");
                } else if (method.equals("PUT") && path.equals("/contacts/v3/import")) {
                    String id = UUID.randomUUID().toString();
                    ArrayNode contacts = (ArrayNode) JSON.readTree(body).path("contacts");
                    imports.put(id, contacts);
                    importReadyAt.put(id, System.currentTimeMillis() + 500 + contacts.size() / 10); // Dotdigital works on it
                    reply(x, 202, "{\"importId\": \"" + id + "\"}");
                } else if (method.equals("GET") && (m = IMPORT_STATUS.matcher(path)).matches()) {
                    String id = m.group(1);
                    ArrayNode contacts = imports.get(id);
                    if (contacts == null) {
                        reply(x, 404, "{\"errorCode\":\"contacts:importNotFound\"}");
                    } else if (System.currentTimeMillis() < importReadyAt.get(id)) {
                        reply(x, 200, "{\"importId\": \"" + id + "\", \"status\": \"NotFinished\"}");
                    } else {
                        ObjectNode report = JSON.createObjectNode().put("importId", id).put("status", "Finished");
                        ArrayNode updated = report.putArray("updated");
                        if (imports.remove(id) != null) {
                            for (JsonNode c : contacts) {
                                write(c.path("identifiers").path("email").asText(), c.path("dataFields"));
                            }
                        }
                        for (JsonNode c : contacts) {
                            updated.addObject().put("contactId", 1).set("identifiers", c.path("identifiers"));
                        }
                        report.putArray("failures");
                        reply(x, 200, JSON.writeValueAsString(report));
                    }
                } else {
                    reply(x, 404, "{\"errorCode\":\"server:notFound\"}");
                }
            }
        }

        private void write(String email, JsonNode dataFields) {
            if (dataFields.has("TOPICS")) {
                topics.put(email, dataFields.get("TOPICS").asText());
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

    // ---------------------------------------------------------------- the connector process

    static final class Connector implements AutoCloseable {
        final Process process;
        final int port;
        final int managementPort;

        private Connector(Process process, int port, int managementPort) {
            this.process = process;
            this.port = port;
            this.managementPort = managementPort;
        }

        static Connector start(Path dir, Stub stub, String heap, Map<String, String> extra) throws Exception {
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
                    "-Dsync.integration-file=" + integration, "-Dsync.store.jdbc-url=jdbc:h2:file:" + dir.resolve("store") + ";QUERY_CACHE_SIZE=64", // as the default URL
                    "-Dsync.admin.password=bench-admin", "-Dsync.mapping-check.initial-delay-ms=3600000"));
            cmd.addAll(1, CONNECTOR_JVM.stream().filter(o -> !o.isEmpty()).toList());
            extra.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            CONNECTOR_OVERRIDES.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.addAll(List.of("-jar", "target/dotdigital-consent-sync.jar"));
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

        /** Heap in use now, from the connector's own Prometheus metrics (sum over the heap pools). */
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

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Samples the connector's heap and peak RSS every 250 ms. */
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

    // ---------------------------------------------------------------- helpers

    interface Work {
        void run() throws Exception;
    }

    static void runWorkers(int n, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(() -> {
                work.run();
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
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

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> results) {
        StringBuilder md = new StringBuilder("| scenario | events / contacts | ack p50 / p99 ms | end-to-end events/s | drained in s "
                + "| Dotdigital calls / event | 429s | dead | not newest | peak heap / RSS MiB (max heap) |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (String s : List.of("light", "flood", "ack", "burst", "memory")) {
            Map<String, Object> r = (Map<String, Object>) results.get(s);
            if (r == null) {
                continue;
            }
            Map<String, Object> counts = (Map<String, Object>) r.get("statusCounts");
            md.append("| ").append(s).append(" | ").append(r.get("events")).append(" / ").append(r.get("contacts"))
                    .append(" | ").append(r.get("ackP50Ms")).append(" / ").append(r.get("ackP99Ms"))
                    .append(" | ").append(r.get("endToEndEventsPerSecond"))
                    .append(r.containsKey("ratioToLimit") ? " (" + Math.round((Double) r.get("ratioToLimit") * 100) + "% of the stub's limit)" : "")
                    .append(" | ").append(r.get("drainSeconds")).append(" | ").append(r.get("callsPerEvent"))
                    .append(" | ").append(r.get("http429")).append(" | ").append(counts.get("dead"))
                    .append(" | ").append(r.get("contactsNotHoldingTheirNewestValue"))
                    .append(" | ").append(r.get("peakHeapUsedMiB")).append(" / ").append(r.get("peakRssMiB")).append(" (").append(r.get("maxHeap")).append(")")
                    .append(" |\n");
        }
        Map<String, Object> limit = (Map<String, Object>) results.get("limit");
        if (limit != null) {
            md.append("\nStub limit (plain HTTP client, concurrency ").append(limit.get("concurrency")).append(", stub latency ")
                    .append(limit.get("stubLatencyMs")).append(" ms): ").append(limit.get("eventsPerSecond")).append(" writes/s.\n");
        }
        return md.toString();
    }
}
