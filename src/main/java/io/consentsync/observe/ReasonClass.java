package io.consentsync.observe;

import io.consentsync.store.StoredEvent;

import java.util.Locale;

/** A short, bounded label for why an event ended as it did: safe as a metric label (no personal data). */
public final class ReasonClass {

    private ReasonClass() {
    }

    public static String of(StoredEvent e) {
        String reason = e.reason() == null ? "" : e.reason().toLowerCase(Locale.ROOT);
        Integer code = e.lastResponseCode();
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
            case STALE:
                return "newer_choice_applied";
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
            case DEAD:
            case RETRYING:
                if (code != null) {
                    return code >= 500 ? "http_5xx" : "http_" + code;
                }
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
            default:
                return "none";
        }
    }
}
