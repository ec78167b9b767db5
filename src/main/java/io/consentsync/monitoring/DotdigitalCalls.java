package io.consentsync.monitoring;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last few calls to Dotdigital and their status codes, for the {@code dotdigital} developer console: a bounded ring
 * in memory, filled by the HTTP client's response interceptor (every call of every route passes through it). It holds
 * no work, only a view. The path is reduced to a template: a segment that is not one of Dotdigital's own path words
 * (a contact's email, an import id) becomes {@code {value}}, so no personal data ever sits here.
 */
public class DotdigitalCalls {

    /** One answer: when, the method, the path template, the status code. */
    public record Call(Instant at, String method, String path, int status) {
    }

    /** Literal segments of the Dotdigital paths the connector calls; anything else is a value. */
    private static final Set<String> PATH_WORDS = Set.of("v2", "v3", "contacts", "data-fields", "account-info",
            "import", "imports", "email", "mobileNumber", "mobile-number", "contactId", "contact-id", "identifier");

    private final Clock clock;
    private final int capacity;
    private final Deque<Call> recent = new ArrayDeque<>();
    private final AtomicLong total = new AtomicLong();

    public DotdigitalCalls(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** Records an answer; {@code rawPath} may carry a query and values, both dropped here. */
    public void record(String method, String rawPath, int status) {
        Call call = new Call(clock.instant(), method, template(rawPath), status);
        total.incrementAndGet();
        synchronized (recent) {
            recent.addFirst(call);
            while (recent.size() > capacity) {
                recent.removeLast();
            }
        }
    }

    /** Newest first. */
    public List<Call> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    public long total() {
        return total.get();
    }

    /** {@code /contacts/v3/email/ann%40example.com?merge-option=x} becomes {@code /contacts/v3/email/{value}}. */
    static String template(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String path = rawPath;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            out.append('/').append(PATH_WORDS.contains(segment) ? segment : "{value}");
        }
        return out.length() == 0 ? "/" : out.toString();
    }
}
