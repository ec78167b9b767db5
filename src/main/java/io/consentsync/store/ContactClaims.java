package io.consentsync.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.consentsync.store.Jdbc.bind;
import static io.consentsync.store.Jdbc.execute;
import static io.consentsync.store.Jdbc.inTransaction;
import static io.consentsync.store.Jdbc.isUniqueViolation;
import static io.consentsync.store.Jdbc.unavailable;
import static io.consentsync.store.Jdbc.update;

/**
 * Who delivers a contact (table contact_claim, bean {@code contactClaims}): a claim is a lease with an owner (this
 * instance) and a fence. Delivery claims a contact and takes all its due events as one batch, so two choices of one
 * person never race each other to Dotdigital, across threads and instances. A crashed holder's claims are taken over
 * when the lease runs out; a restarted instance releases its own at once.
 * <p>
 * One clock: whether a lease ran out is decided by the database's {@code current_timestamp}, never by this JVM's clock,
 * so instances whose clocks disagree still agree on who holds a contact; a lease's end starts from the database's time
 * too. The writes a claim guards ({@link EventStore}'s outcome recording, {@link ContactFieldStates}) check
 * {@link #holds} inside their own transaction.
 */
public class ContactClaims {

    /** The "claim lost" line keeps the logger it always had. */
    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
    /** The end of a released claim's lease: its row stays, so the contact's fence keeps growing. */
    private static final OffsetDateTime RELEASED = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final DataSource dataSource;
    private final String instanceId;
    private final long leaseMs;

    public ContactClaims(DataSource dataSource, String instanceId, long leaseMs) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.leaseMs = leaseMs;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Claims up to {@code limit} contacts that have waiting events whose time has come and that no live claim holds,
     * oldest first. Taking a claim is one atomic statement on the claim's primary key, so two instances never hold
     * the same contact; a claim whose lease ran out (its holder crashed) is taken over, with a higher fence.
     */
    public List<Claim> claimDueContacts(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement due = c.prepareStatement("select e.contact_key, min(e.received_at) as first_received "
                     + "from consent_event e where " + EventQueries.DUE
                     + " and not exists (select 1 from contact_claim k where k.contact_key = e.contact_key "
                     + "and k.claimed_until >= current_timestamp)"
                     + " group by e.contact_key order by first_received fetch first " + limit + " rows only")) {
            List<String> candidates = new ArrayList<>();
            try (ResultSet rs = due.executeQuery()) {
                while (rs.next()) {
                    candidates.add(rs.getString(1));
                }
            }
            List<Claim> claimed = new ArrayList<>();
            if (!candidates.isEmpty()) {
                OffsetDateTime until = Jdbc.databaseTime(c).plus(java.time.Duration.ofMillis(leaseMs));
                for (String contact : candidates) {
                    takeClaim(c, contact, until).ifPresent(claimed::add);
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw unavailable("cannot claim contacts", e);
        }
    }

    /**
     * Takes a claim whose lease ran out (released, or its holder stopped renewing) with the next fence; a contact never
     * claimed before has no row yet and gets one.
     */
    private Optional<Claim> takeClaim(Connection c, String contact, OffsetDateTime until) throws SQLException {
        try (PreparedStatement takeOver = c.prepareStatement("update contact_claim set claimed_by = ?, claimed_until = ?, "
                + "fence = fence + 1 where contact_key = ? and claimed_until < current_timestamp")) {
            bind(takeOver, instanceId, until, contact);
            if (takeOver.executeUpdate() == 1) {
                try (PreparedStatement fence = c.prepareStatement(
                        "select fence from contact_claim where contact_key = ? and claimed_by = ?")) {
                    bind(fence, contact, instanceId);
                    try (ResultSet rs = fence.executeQuery()) {
                        return rs.next() ? Optional.of(new Claim(contact, rs.getLong(1))) : Optional.empty();
                    }
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement("insert into contact_claim (contact_key, claimed_by, "
                + "claimed_until, fence) values (?, ?, ?, 1)")) {
            bind(insert, contact, instanceId, until);
            insert.executeUpdate();
            return Optional.of(new Claim(contact, 1));
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return Optional.empty(); // another instance holds it
            }
            throw e;
        }
    }

    /**
     * The heartbeat: every live claim this instance holds lasts another lease from the database's now (a claim already
     * held longer, for a retry's wait, keeps its time). A live instance never loses a contact in the middle of a slow
     * call or a long bulk import; a crashed one stops renewing and its contacts are taken over one lease later. A
     * claim whose lease already ran out is not renewed: another instance may be taking it over.
     */
    public int renewOwnClaims() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement renew = c.prepareStatement("update contact_claim set claimed_until = ? where claimed_by = ? "
                     + "and claimed_until >= current_timestamp and claimed_until < ?")) {
            OffsetDateTime until = Jdbc.databaseTime(c).plus(java.time.Duration.ofMillis(leaseMs));
            bind(renew, until, instanceId, until);
            return renew.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("cannot renew claims", e);
        }
    }

    /** The database's current time: every instance sharing the store reads the same clock here. */
    public Instant databaseTime() {
        try (Connection c = dataSource.getConnection()) {
            return Jdbc.databaseTime(c).toInstant();
        } catch (SQLException e) {
            throw unavailable("cannot read the database's time", e);
        }
    }

    /**
     * Whether the claim still holds its fence; the row stays locked until the transaction ends, so no takeover can
     * slip between this check and the writes it guards. Logs one line when the claim was lost.
     */
    boolean holds(Connection c, Claim claim, String what) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update contact_claim set fence = fence where contact_key = ? "
                + "and claimed_by = ? and fence = ?")) {
            bind(ps, claim.contactKey(), instanceId, claim.fence());
            if (ps.executeUpdate() == 1) {
                return true;
            }
        }
        LOG.warn("claim lost (fence {}): another instance took the contact over while this one stalled; {} not recorded, "
                + "the new holder's view stands", claim.fence(), what);
        return false;
    }

    /**
     * Holds a claim (already checked by {@link #holds} in this transaction) through a retry's wait: its lease ends one
     * lease after the wait, from the database's now.
     */
    void holdThroughRetry(Connection c, Claim claim, long delayMs) throws SQLException {
        execute(c, "update contact_claim set claimed_until = ? where contact_key = ? and claimed_by = ?",
                Jdbc.databaseTime(c).plus(java.time.Duration.ofMillis(delayMs + leaseMs)), claim.contactKey(), instanceId);
    }

    /** Frees the claims this instance held before a restart, so its unfinished contacts resume at once. */
    public int releaseOwnClaims() {
        return update(dataSource, "update contact_claim set claimed_until = ? where claimed_by = ? and claimed_until > ?",
                RELEASED, instanceId, RELEASED);
    }

    /** Frees a contact this instance holds, e.g. when its batch could not even be loaded. */
    public void releaseContact(Claim claim) {
        inTransaction(dataSource, c -> {
            releaseClaim(c, claim);
            return true;
        });
    }

    /** Ends the claim's lease; the row stays with its fence, so the next claim on the contact gets a higher one. */
    void releaseClaim(Connection c, Claim claim) throws SQLException {
        execute(c, "update contact_claim set claimed_until = ? where contact_key = ? and claimed_by = ? and fence = ?",
                RELEASED, claim.contactKey(), instanceId, claim.fence());
    }
}
