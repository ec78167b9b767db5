package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The Didomi API session: the access token of {@code POST /sessions}, added by the HTTP client of the Didomi endpoints
 * ({@code httpClientConfigurer=#didomiSession}) to every call but the session call itself. Like the Dotdigital
 * credentials, the token never sits in a message header, an endpoint URI or a log line (the component skips message
 * headers anyway). Held in memory only: a restarted connector opens a new session.
 */
public class DidomiSession implements HttpClientConfigurer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DidomiSettings settings;
    private final long maxAnswerBytes;
    private final long answerTimeoutMs;
    private volatile String token;

    /**
     * @param maxAnswerBytes  an answer longer than this fails the call (sync.didomi.max-answer-bytes): a run must not
     *                        run out of memory on a hostile or broken page
     * @param answerTimeoutMs an answer still arriving after this fails the call (sync.didomi.answer-timeout-ms): a
     *                        server that trickles bytes never trips a socket timeout
     */
    public DidomiSession(DidomiSettings settings, long maxAnswerBytes, long answerTimeoutMs) {
        this.settings = settings;
        this.maxAnswerBytes = maxAnswerBytes;
        this.answerTimeoutMs = answerTimeoutMs;
    }

    public DidomiSettings settings() {
        return settings;
    }

    public boolean needsToken() {
        return token == null;
    }

    /** The body of {@code POST /sessions}: {@code {"type":"api-key","key":…,"secret":…}}. */
    public String sessionRequest() {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "api-key");
        body.put("key", settings.apiKey());
        body.put("secret", settings.secret());
        return body.toString();
    }

    /** Keeps the {@code access_token} of a session answer; false when the answer has none. */
    boolean accept(JsonNode answer) {
        String t = answer.path("access_token").asText("");
        if (t.isEmpty()) {
            return false;
        }
        token = t;
        return true;
    }

    /** The token expired or was refused (401): the next call opens a new session first. */
    public void invalidate() {
        token = null;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addRequestInterceptorFirst((request, entity, context) -> {
            String t = token;
            if (t != null && !request.getPath().endsWith("/sessions")) {
                request.setHeader("Authorization", "Bearer " + t);
            }
            request.setHeader("Accept", "application/json");
        });
        // outermost in the chain, so it counts what the run reads: the bytes after decompression (a gzip bomb too)
        builder.addExecInterceptorFirst("didomi-answer-limits", (request, scope, chain) -> {
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity body = response.getEntity();
            if (body != null) {
                if (body.getContentLength() > maxAnswerBytes) {
                    response.close();
                    throw new IOException(tooLarge());
                }
                response.setEntity(new BoundedEntity(body));
            }
            return response;
        });
    }

    private String tooLarge() {
        return "Didomi's answer is larger than " + maxAnswerBytes + " bytes (sync.didomi.max-answer-bytes)";
    }

    /** The answer's body, cut off with an error past the size limit or the time limit. */
    private final class BoundedEntity extends HttpEntityWrapper {

        private final long deadline = System.nanoTime() + answerTimeoutMs * 1_000_000L;

        BoundedEntity(HttpEntity entity) {
            super(entity);
        }

        @Override
        public InputStream getContent() throws IOException {
            return new FilterInputStream(super.getContent()) {
                private long read;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    read += Math.max(n, 0);
                    if (read > maxAnswerBytes) {
                        throw new IOException(tooLarge());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IOException("Didomi's answer took longer than " + answerTimeoutMs
                                + " ms to arrive (sync.didomi.answer-timeout-ms)");
                    }
                    return n;
                }
            };
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                in.transferTo(out);
            }
        }

        @Override
        public boolean isStreaming() {
            return true;
        }
    }

    @Override
    public String toString() {
        return "DidomiSession[" + (token == null ? "no token" : "****") + "]";
    }
}
