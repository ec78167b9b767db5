package io.consentsync.retention;

import io.consentsync.admin.ContactTimeline;
import io.consentsync.config.IntegrationConfig;
import io.consentsync.http.RejectedRequestException;
import io.consentsync.store.ContactErasure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API's erasure operations: a contact's audit trail by the identifier or, once erased, by its keyed hash
 * ({@code ?hashed=true}), and {@code POST /admin/contacts/{organizationUserId}/erase}, an erasure on demand. The
 * erasure is logged in one line that carries counts and a prefix of the keyed hash, never the identifier.
 */
public class ErasureApi {

    private static final Logger LOG = LoggerFactory.getLogger(ErasureApi.class);

    private final ContactErasure erasure;
    private final ContactTimeline timeline;
    private final Supplier<IntegrationConfig> config;

    public ErasureApi(ContactErasure erasure, ContactTimeline timeline, Supplier<IntegrationConfig> config) {
        this.erasure = erasure;
        this.timeline = timeline;
        this.config = config;
    }

    /**
     * The audit trail under the identifier, or with {@code hashed=true} under its erasure hash: the newest
     * {@code limit} events (default {@link ContactTimeline#DEFAULT_LIMIT}) with the total and whether older ones
     * were left out.
     */
    public Map<String, Object> contactHistory(String organizationUserId, String hashed, String limit) {
        boolean byHash = byHash(hashed);
        int max = ContactTimeline.limit(limit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("organizationUserId", organizationUserId);
        String key;
        if (byHash) {
            key = erasure.hash(contactKey(organizationUserId));
            answer.put("hashed", true);
            answer.put("contactHash", key);
        } else {
            key = config.get().contactKey(organizationUserId);
        }
        answer.putAll(timeline.newest(key, max));
        return answer;
    }

    /** The same rows as {@link #contactHistory} for the same parameters, as CSV (newest first). */
    @SuppressWarnings("unchecked")
    public String contactHistoryCsv(String organizationUserId, String hashed, String limit) {
        return timeline.csv((List<Map<String, Object>>) contactHistory(organizationUserId, hashed, limit).get("events"));
    }

    private static boolean byHash(String hashed) {
        if (hashed == null || hashed.isBlank() || hashed.trim().equalsIgnoreCase("false")) {
            return false;
        } else if (hashed.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new RejectedRequestException(400, "invalid_parameter", "hashed", "hashed must be true or false");
    }

    /** Erases the contact now: 409 while it is being delivered or has events waiting for delivery. */
    public Map<String, Object> erase(String organizationUserId) {
        ContactErasure.Result r = erasure.erase(contactKey(organizationUserId), null);
        switch (r.status()) {
            case BUSY -> throw new RejectedRequestException(409, "contact_busy", "organizationUserId",
                    "the contact is being delivered to Dotdigital right now: erase again in a moment");
            case WAITING -> throw new RejectedRequestException(409, "events_waiting", "organizationUserId",
                    r.waiting() + " event(s) of this contact still wait for delivery: erase again once they are "
                            + "delivered or dead (GET /admin/contacts/{organizationUserId}/events shows them)");
            default -> {
            }
        }
        LOG.info("contact erased on request: {} events, {} webhook bodies, {} field states, {} claims; contact {}",
                r.events(), r.bodies(), r.fieldStates(), r.claims(), shortHash(r.contactHash()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("erased", true);
        answer.put("contactHash", r.contactHash());
        answer.put("events", r.events());
        answer.put("webhookBodies", r.bodies());
        answer.put("fieldStates", r.fieldStates());
        answer.put("claims", r.claims());
        return answer;
    }

    private String contactKey(String organizationUserId) {
        String key = config.get().contactKey(organizationUserId);
        if (key == null || key.isEmpty()) {
            throw new RejectedRequestException(400, "invalid_parameter", "organizationUserId",
                    "organizationUserId must not be empty");
        }
        return key;
    }

    /** What a log line shows of a contact's erasure hash: enough to match lines, nothing to find the person by. */
    static String shortHash(String hash) {
        return hash == null ? "-" : hash.substring(0, Math.min(hash.length(), "hmac:".length() + 12));
    }
}
