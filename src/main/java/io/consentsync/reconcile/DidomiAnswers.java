package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.delivery.ExchangeVariables;
import org.apache.camel.Exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads each Didomi answer of the loop {@code until-didomi-answers} (the call is made with
 * {@code throwExceptionOnFailure=false}): a session answer keeps its token and goes on to the page; a page answer ends
 * the loop with the page as the body; 401 on a page drops the token and goes round (a new session first); 429 and 5xx
 * go round after {@code Retry-After} (seconds or an HTTP date) or the back-off; anything else, or too many retries,
 * ends the run with a {@link DidomiApiException} saying why.
 */
public class DidomiAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DidomiSession session;
    private final int maxRetries;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private final Clock clock;
    private final ReconcileRuns runs;

    /** @param runs the run's heartbeat moves on with each retry too, so a long wait never looks like a dead instance */
    public DidomiAnswers(DidomiSession session, int maxRetries, long initialDelayMs, long maxDelayMs, Clock clock,
                         ReconcileRuns runs) {
        this.runs = runs;
        this.session = session;
        this.maxRetries = maxRetries;
        this.initialDelayMs = initialDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.clock = clock;
    }

    /** A fresh call state for one page (variable {@code didomiCall}). */
    public DidomiCall begin() {
        return new DidomiCall("GET /consents/users");
    }

    public void check(Exchange exchange) throws Exception {
        DidomiCall call = exchange.getVariable(ExchangeVariables.DIDOMI_CALL, DidomiCall.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        boolean sessionCall = session.needsToken(); // the token is only kept below: a session answer is being read
        String what = sessionCall ? "POST /sessions" : call.what();
        int code = status == null ? 0 : status;
        if (code >= 200 && code < 300) {
            if (sessionCall) {
                JsonNode answer = JSON.readTree(body(exchange));
                if (!session.accept(answer)) {
                    throw new DidomiApiException("Didomi answered POST /sessions with no access_token");
                }
                call.goOn();
            } else {
                call.authorized();
                call.answered();
            }
            return;
        }
        if (code == 401 && !sessionCall) {
            session.invalidate();
            if (call.unauthorized() > 1) {
                throw new DidomiApiException("Didomi refused a new session's token (" + what + " answered 401 twice)");
            }
            call.goOn();
            return;
        }
        if (code == 429 || code >= 500) {
            int retry = call.retried();
            if (retry > maxRetries) {
                throw new DidomiApiException("Didomi " + what + " still answered " + code + " after " + maxRetries
                        + " retries (sync.didomi.max-retries)");
            }
            long backOff = Math.min(maxDelayMs, initialDelayMs << Math.min(20, retry - 1));
            Long asked = retryAfterMs(exchange.getMessage().getHeader("Retry-After", String.class));
            call.retryAfter(asked == null ? backOff : Math.min(maxDelayMs, asked));
            ReconcileRun run = exchange.getVariable(ExchangeVariables.RECONCILE_RUN, ReconcileRun.class);
            if (run != null && !runs.saveProgress(run)) {
                throw new DidomiApiException("the run was given up as stale by another instance");
            }
            return;
        }
        throw new DidomiApiException("Didomi " + what + " answered " + code + (sessionCall && (code == 400 || code == 401
                || code == 403) ? " (check sync.didomi.api-key and the secret)" : "") + ": " + excerpt(body(exchange)));
    }

    /** Retry-After in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
    Long retryAfterMs(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(clock.instant(), at.toInstant()).toMillis());
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String body(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        return body == null ? "" : body;
    }

    private static String excerpt(String body) {
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.isEmpty() ? "(no body)" : flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
