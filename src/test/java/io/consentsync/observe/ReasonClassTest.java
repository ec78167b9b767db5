package io.consentsync.observe;

import io.consentsync.store.EventStatus;
import io.consentsync.store.ReasonCode;
import io.consentsync.store.StoredEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric label for each kind of outcome the delivery paths write. */
class ReasonClassTest {

    private static String of(EventStatus status, String reason, Integer code) {
        return ReasonClass.of(new StoredEvent("id", "event.created", "u", "u", "gdpr", Instant.EPOCH, 0, status, reason, 1,
                code, Instant.EPOCH, Instant.EPOCH, null, "{}", null));
    }

    @Test
    void deliveredEventsSayHowTheyGotThere() {
        assertThat(of(EventStatus.DELIVERED, null, 200)).isEqualTo("ok");
        assertThat(of(EventStatus.DELIVERED, "coalesced 3 events of this contact into one write", 200)).isEqualTo("coalesced");
        assertThat(of(EventStatus.DELIVERED, "coalesced 2 events of this contact into one write; not written: NEWSLETTER "
                + "superseded by newer event e2 in the same write", 200)).isEqualTo("partly_stale");
        assertThat(of(EventStatus.DELIVERED, "Dotdigital already held these values: no write sent", 200)).isEqualTo("already_held");
        assertThat(of(EventStatus.DELIVERED, "written by bulk import imp-1", 202)).isEqualTo("bulk_import");
    }

    private static String of(EventStatus status, String reason, Integer code, ReasonCode reasonCode) {
        return ReasonClass.of(new StoredEvent("id", "event.created", "u", "u", "gdpr", Instant.EPOCH, 0, status, reason, 1,
                code, Instant.EPOCH, Instant.EPOCH, null, "{}", null, reasonCode));
    }

    @Test
    void theLabelComesFromTheCodeNotTheSentence() {
        // reworded sentences: the labels stay
        assertThat(of(EventStatus.DELIVERED, "Dotdigital had it all", 200, ReasonCode.ALREADY_HELD)).isEqualTo("already_held");
        assertThat(of(EventStatus.DELIVERED, "merged 3 events", 200, ReasonCode.COALESCED)).isEqualTo("coalesced");
        assertThat(of(EventStatus.DELIVERED, "not written: everything", 200, ReasonCode.OK)).isEqualTo("ok");
        assertThat(of(EventStatus.SKIPPED, "no such person", 404, ReasonCode.CONTACT_NOT_FOUND)).isEqualTo("contact_not_found");
        assertThat(of(EventStatus.SKIPPED, "contact is gone", 200, ReasonCode.CONTACT_DELETED)).isEqualTo("contact_deleted");
        assertThat(of(EventStatus.DEAD, "the import refused it", null, ReasonCode.IMPORT_REJECTED)).isEqualTo("import_rejected");
        assertThat(of(EventStatus.DEAD, "AGE cannot hold it", null, ReasonCode.MAPPING)).isEqualTo("mapping");
        assertThat(of(EventStatus.RETRYING, "no route to host", null, ReasonCode.CONNECTION)).isEqualTo("connection");
        // a status code from Dotdigital names a failure, whatever the code
        assertThat(of(EventStatus.DEAD, "rejected", 400, ReasonCode.HTTP_ERROR)).isEqualTo("http_400");
        assertThat(of(EventStatus.RETRYING, "busy", 503, ReasonCode.OTHER)).isEqualTo("http_5xx");
        assertThat(of(EventStatus.STALE, "anything", null, ReasonCode.NEWER_CHOICE_APPLIED)).isEqualTo("newer_choice_applied");
        assertThat(of(EventStatus.PENDING, "replayed", null, null)).isEqualTo("none");
    }

    @Test
    void aContactTheImportRejectedIsNamedSo() {
        assertThat(of(EventStatus.DEAD, "bulk import imp-1 did not import the contact: invalidemail - x", null))
                .isEqualTo("import_rejected");
        assertThat(of(EventStatus.RETRYING, "HTTP 503 from Dotdigital: x", 503)).isEqualTo("http_5xx");
    }
}
