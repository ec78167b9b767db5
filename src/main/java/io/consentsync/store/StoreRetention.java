package io.consentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;

import static io.consentsync.store.Jdbc.bind;
import static io.consentsync.store.Jdbc.databaseTime;
import static io.consentsync.store.Jdbc.unavailable;

/**
 * The store's own retention (sync.retention.*): the purge's statements. Each call is one short transaction over at most
 * {@code limit} rows, so intake (which only inserts) and delivery (which only touches waiting events) never wait on a
 * purge; which instance purges is a lease in table {@code store_lease}. Ages are measured on the database's clock, from
 * the time an event reached its final status ({@code updated_at}: a dead event's is when it became dead).
 */
public class StoreRetention {

    /** The final statuses: an event in one of them is never written by delivery again (a replay makes it pending). */
    static final String FINAL = "status in ('delivered', 'skipped', 'ignored', 'stale', 'dead')";
    static final String PURGE_LEASE = "retention-purge";

    private final DataSource dataSource;
    private final String instanceId;

    public StoreRetention(DataSource dataSource, String instanceId) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
    }

    /**
     * Takes (or keeps) the named lease for {@code leaseMs} from the database's now; false while another instance holds
     * it. One atomic statement on the lease's row, so two instances never both get it.
     */
    public boolean takeLease(String name, long leaseMs) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update store_lease set held_by = ?, held_until = ? where name = ? "
                     + "and (held_until < current_timestamp or held_by = ?)")) {
            bind(ps, instanceId, databaseTime(c).plus(Duration.ofMillis(leaseMs)), name, instanceId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unavailable("cannot take the " + name + " lease", e);
        }
    }

    /**
     * Drops the webhook body of at most {@code limit} events that have been in a final status for {@code ageMs} (the
     * audit record stays). Returns how many.
     */
    public int dropExpiredBodies(long ageMs, int limit) {
        String expired = "payload_dropped_at is null and updated_at <= ? and " + FINAL;
        return purge("update consent_event set payload = null, payload_dropped_at = current_timestamp where " + expired
                + " and id in (select id from consent_event where " + expired + " fetch first " + limit + " rows only)",
                ageMs, "cannot drop expired webhook bodies");
    }

    /** Deletes at most {@code limit} events that have been in a final status for {@code ageMs}. Returns how many. */
    public int dropExpiredAuditRecords(long ageMs, int limit) {
        String expired = FINAL + " and updated_at <= ?";
        return purge("delete from consent_event where " + expired + " and id in (select id from consent_event where "
                + expired + " fetch first " + limit + " rows only)", ageMs, "cannot drop expired audit records");
    }

    /** One statement whose two placeholders are the same cut-off: the database's now minus {@code ageMs}. */
    private int purge(String sql, long ageMs, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            OffsetDateTime cutoff = databaseTime(c).minus(Duration.ofMillis(ageMs));
            bind(ps, cutoff, cutoff);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }
}
