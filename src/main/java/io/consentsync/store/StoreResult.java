package io.consentsync.store;

/** Outcome of storing a webhook: the record id, and whether the same event had been stored before. */
public record StoreResult(String id, boolean duplicate) {
}
