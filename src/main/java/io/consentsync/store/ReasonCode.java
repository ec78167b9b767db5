package io.consentsync.store;

import java.util.Locale;

/**
 * Why an event ended as it did, as a code: carried with each outcome ({@link EventOutcome}), stored with the event
 * (column {@code reason_code}) and turned into the metric label {@code reason_class} by
 * {@code io.consentsync.observe.ReasonClass}. The reason sentence next to it is for people and may be reworded freely;
 * the label comes from here. The labels are part of the metrics' contract: never change one.
 */
public enum ReasonCode {
    // delivered
    OK("ok"),
    COALESCED("coalesced"),
    PARTLY_STALE("partly_stale"),
    ALREADY_HELD("already_held"),
    BULK_IMPORT("bulk_import"),
    /** delivered (data fields) or skipped: an opt-in left out because the contact opted out in Dotdigital (properties.resubscribe never) */
    NOT_RESUBSCRIBED("not_resubscribed"),
    // stale
    NEWER_CHOICE_APPLIED("newer_choice_applied"),
    // skipped
    CONTACT_NOT_FOUND("contact_not_found"),
    CONTACT_DELETED("contact_deleted"),
    NOTHING_TO_WRITE("nothing_to_write"),
    // ignored at intake
    REGULATION("regulation"),
    PENDING_APPROVAL("pending_approval"),
    NO_CONTACT_KEY("no_contact_key"),
    DELETION("deletion"),
    UNSUPPORTED_TYPE("unsupported_type"),
    /** The person was erased after a choice at least as new as this one: kept under the hash, without the body. */
    PREDATES_ERASURE("predates_erasure"),
    // dead or retrying
    /** Dotdigital answered with an error status: the label is {@code http_5xx} or {@code http_<status>}. */
    HTTP_ERROR(null),
    MAPPING("mapping"),
    IMPORT_REJECTED("import_rejected"),
    CONNECTION("connection"),
    TIMEOUT("timeout"),
    /** A list to leave, but Dotdigital's answer gave no usable contact id (missing or not a whole number): dead at once. */
    NO_CONTACT_ID("no_contact_id"),
    OTHER("other");

    private final String label;

    ReasonCode(String label) {
        this.label = label;
    }

    /** The metric label; {@code responseCode} only matters for {@link #HTTP_ERROR}. */
    public String label(Integer responseCode) {
        if (this == HTTP_ERROR) {
            return responseCode == null ? OTHER.label : responseCode >= 500 ? "http_5xx" : "http_" + responseCode;
        }
        return label;
    }

    /** The stored code; null for rows without one (written before V8, or by a writer that gives none). */
    public static ReasonCode fromId(String id) {
        if (id == null) {
            return null;
        }
        try {
            return valueOf(id.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
