package io.consentsync.store;


/** Told by the event store about every stored event and every final or retry outcome. */
public interface EventOutcomeListener {

    void onAccepted(String type, boolean duplicate);

    void onOutcome(StoredEvent event);
}
