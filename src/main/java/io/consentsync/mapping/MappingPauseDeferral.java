package io.consentsync.mapping;

import io.consentsync.delivery.ContactBatch;
import io.consentsync.store.EventStore;

import java.time.Clock;

/**
 * While the mapping check pauses delivery, a contact's batch that was already claimed goes back to the store: no
 * retry spent, nothing dead, the contact free. Due at once: the dispatcher claims nothing until the check passes.
 */
public class MappingPauseDeferral {

    private final MappingCheck check;
    private final EventStore store;
    private final Clock clock;

    public MappingPauseDeferral(MappingCheck check, EventStore store, Clock clock) {
        this.check = check;
        this.store = store;
        this.clock = clock;
    }

    public void defer(ContactBatch batch) {
        store.deferUntil(batch.claim(), batch.openIds(), clock.instant(),
                "waiting: delivery paused by the mapping check: " + String.join("; ", check.problems()));
    }
}
