package io.consentsync.retention;

import io.consentsync.store.StoreRetention;

/**
 * The purge's steps (route purge-expired-store-data, retention.camel.yaml): take the purge lease, then drop expired
 * webhook bodies and, when sync.retention.audit-days is set, expired audit records, one small batch per call.
 * {@code dayMs} is the length of a retention day: a day, except in tests (sync.retention.day-ms).
 */
public class RetentionPurge {

    private final StoreRetention store;
    private final long payloadAgeMs;
    private final long auditAgeMs;
    private final int batchSize;
    private final long leaseMs;

    /**
     * @param payloadDays 0: bodies are kept
     * @param auditDays   0: audit records are kept
     */
    public RetentionPurge(StoreRetention store, long payloadDays, long auditDays, long dayMs, int batchSize,
                          long leaseMs) {
        this.store = store;
        this.payloadAgeMs = payloadDays * dayMs;
        this.auditAgeMs = auditDays * dayMs;
        this.batchSize = batchSize;
        this.leaseMs = leaseMs;
    }

    /** Whether this instance runs the purge now (one instance at a time; another takes over when it stops). */
    public boolean takeLease() {
        return (payloadAgeMs > 0 || auditAgeMs > 0) && store.takeLease("retention-purge", leaseMs);
    }

    /** Drops one batch of expired webhook bodies; returns how many (a full batch: there may be more). */
    public int dropExpiredBodies() {
        return payloadAgeMs > 0 ? store.dropExpiredBodies(payloadAgeMs, batchSize) : 0;
    }

    /** Deletes one batch of expired audit records; returns how many. */
    public int dropExpiredAuditRecords() {
        return auditAgeMs > 0 ? store.dropExpiredAuditRecords(auditAgeMs, batchSize) : 0;
    }

    /**
     * Whether the purge loop goes on after a batch that purged {@code purged} rows (-1: none ran yet): while batches
     * come back full and this instance still holds the lease (renewed here, so a long backlog keeps it).
     */
    public boolean goOn(int purged) {
        return purged < 0 || (purged >= batchSize && store.takeLease("retention-purge", leaseMs));
    }
}
