package io.consentsync.observe;

import io.consentsync.store.ReasonCode;
import io.consentsync.store.StoredEvent;

import java.util.Locale;

/**
 * A short, bounded label for why an event ended as it did: safe as a metric label (no personal data). It comes from
 * the event's {@link ReasonCode}, never from its reason sentence, so rewording a sentence never changes a metric.
 * Only an event without a code is classified by its sentence ({@link #fromSentence}): rows stored before V8.
 */
public final class ReasonClass {

    private ReasonClass() {
    }

    public static String of(StoredEvent e) {
        Integer code = e.lastResponseCode();
        switch (e.status()) {
            case STALE:
                return ReasonCode.NEWER_CHOICE_APPLIED.label(null);
            case DEAD:
            case RETRYING:
                if (code != null) {
                    return ReasonCode.HTTP_ERROR.label(code);
                }
                break;
            case DELIVERED:
            case SKIPPED:
            case IGNORED:
                break;
            default:
                return "none";
        }
        return e.reasonCode() != null ? e.reasonCode().label(code) : fromSentence(e);
    }

    /** The label as it was read from the reason sentence before events carried a code. */
    static String fromSentence(StoredEvent e) {
        String reason = e.reason() == null ? "" : e.reason().toLowerCase(Locale.ROOT);
        switch (e.status()) {
            case DELIVERED:
                if (reason.contains("already held")) {
                    return "already_held";
                }
                if (reason.contains("not written")) {
                    return "partly_stale";
                }
                if (reason.contains("bulk import")) {
                    return "bulk_import";
                }
                return reason.startsWith("coalesced") ? "coalesced" : "ok";
            case SKIPPED:
                if (reason.contains("contact not found")) {
                    return "contact_not_found";
                }
                return reason.contains("deleted") || reason.contains("binned") ? "contact_deleted" : "nothing_to_write";
            case IGNORED:
                if (reason.startsWith("regulation")) {
                    return "regulation";
                }
                if (reason.contains("pending_approval")) {
                    return "pending_approval";
                }
                if (reason.contains("organization_user_id")) {
                    return "no_contact_key";
                }
                return reason.contains("deleted") ? "deletion" : "unsupported_type";
            default: // dead or retrying without a status code
                if (reason.startsWith("mapping")) {
                    return "mapping";
                }
                if (reason.contains("did not import the contact")) {
                    return "import_rejected";
                }
                if (reason.startsWith("cannot connect")) {
                    return "connection";
                }
                return reason.contains("did not answer") ? "timeout" : "other";
        }
    }
}
