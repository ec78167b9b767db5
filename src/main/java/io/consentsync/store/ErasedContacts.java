package io.consentsync.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Intake's question to the erasure ({@link ContactErasure}): is this event older than its person's erasure? Such an
 * event (a Didomi retry, a late webhook) must neither bring the person back into the store in clear nor reach
 * Dotdigital; a later choice is a new person's.
 */
public interface ErasedContacts {

    /** Nobody was ever erased: every event is stored as it came. */
    ErasedContacts NONE = (event, consentTime) -> Optional.empty();

    /**
     * The event as it must be stored when its consent time is not after its person's erasure: ignored, under the
     * keyed hash (identifier and dedup key), without its body. Empty when the event is stored as it came.
     */
    Optional<NewEvent> olderThanErasure(NewEvent event, Instant consentTime);
}
