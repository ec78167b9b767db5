package io.consentsync.observe;

import io.consentsync.store.EventOutcomeListener;

import io.consentsync.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One structured log line per event outcome: id, type, status, reason class, HTTP code, time since receipt, the
 * contact as a hash (never the address) and the reason with any e-mail address masked.
 */
public class OutcomeLog implements EventOutcomeListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.consentsync.outcome");
    private static final Pattern EMAIL = Pattern.compile("[^\\s'\"<>(),;:]+@[^\\s'\"<>(),;:]+");

    private final Clock clock;

    public OutcomeLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onAccepted(String type, boolean duplicate) {
        // intake is visible in Camel's route metrics; one line per event is written at its outcome
    }

    @Override
    public void onOutcome(StoredEvent e) {
        String line = "outcome event=" + e.id() + " type=" + e.type() + " status=" + e.status().id()
                + " reasonClass=" + ReasonClass.of(e) + " httpStatus=" + (e.lastResponseCode() == null ? "-" : e.lastResponseCode())
                + " attempts=" + e.attempts() + " durationMs=" + Duration.between(e.receivedAt(), clock.instant()).toMillis()
                + " contact=" + hash(e.contactKey()) + " reason=\"" + mask(e.reason()) + "\"";
        if (e.status().id().equals("dead")) {
            LOG.error(line);
        } else if (e.status().id().equals("retrying")) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
    }

    /** A stable pseudonym of the contact: the same person gives the same hash, the hash gives no address. */
    public static String hash(String contactKey) {
        if (contactKey == null) {
            return "-";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(contactKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String mask(String text) {
        return text == null ? "" : EMAIL.matcher(text).replaceAll("<email>").replace("\"", "'");
    }
}
