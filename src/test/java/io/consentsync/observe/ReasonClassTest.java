package io.consentsync.observe;

import io.consentsync.store.EventStatus;
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

    @Test
    void aContactTheImportRejectedIsNamedSo() {
        assertThat(of(EventStatus.DEAD, "bulk import imp-1 did not import the contact: invalidemail - x", null))
                .isEqualTo("import_rejected");
        assertThat(of(EventStatus.RETRYING, "HTTP 503 from Dotdigital: x", 503)).isEqualTo("http_5xx");
    }
}
