package io.consentsync.store;

import io.consentsync.observe.EventOutcomeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The durable inbox and outcome log. Intake answers 2xx only after {@link #accept} committed; delivery claims
 * due events with a lease (claimed_by / claimed_until), so a crashed holder's events are taken over when the
 * lease runs out and a restarted instance releases its own claims at once. At most one event per contact is
 * claimed at a time, so two choices of one person never race each other to Dotdigital.
 */
public class EventStore {

    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
    private static final String COLUMNS = "id, event_type, organization_user_id, contact_key, regulation, consent_time, "
            + "consent_version, status, reason, attempts, last_response_code, received_at, updated_at, fields_written, payload";
    private static final String WAITING = "status in ('pending', 'retrying')";

    private final DataSource dataSource;
    private final String instanceId;
    private final long leaseMs;
    private final Clock clock;
    private volatile List<EventOutcomeListener> listeners = List.of();

    /** Pending and retrying events: how many, and when the oldest arrived (null when none). */
    public record WaitingSummary(long count, Instant oldestReceivedAt) {
    }

    public EventStore(DataSource dataSource, String instanceId, long leaseMs, Clock clock) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.leaseMs = leaseMs;
        this.clock = clock;
    }

    public void addListener(EventOutcomeListener listener) {
        List<EventOutcomeListener> next = new ArrayList<>(listeners);
        next.add(listener);
        listeners = List.copyOf(next);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Stores a new event, or returns the earlier record when the same event was stored before. */
    public StoreResult accept(NewEvent event) {
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into consent_event (id, dedup_key, event_type, "
                     + "organization_user_id, contact_key, regulation, consent_time, consent_version, payload, status, "
                     + "reason, attempts, received_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, event.dedupKey());
            ps.setString(3, event.type());
            ps.setString(4, event.organizationUserId());
            ps.setString(5, event.contactKey());
            ps.setString(6, event.regulation());
            ps.setObject(7, at(event.consentTime() == null ? now : event.consentTime()));
            ps.setLong(8, event.consentVersion());
            ps.setString(9, event.payload());
            ps.setString(10, event.status().id());
            ps.setString(11, event.reason());
            ps.setObject(12, at(now));
            ps.setObject(13, at(now));
            ps.executeUpdate();
            listeners.forEach(l -> l.onAccepted(event.type(), false));
            if (event.status().isFinal()) {
                find(id).ifPresent(this::notifyOutcome);
            }
            return new StoreResult(id, false);
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                listeners.forEach(l -> l.onAccepted(event.type(), true));
                return queryOne("select " + COLUMNS + " from consent_event where dedup_key = ?", event.dedupKey())
                        .map(earlier -> new StoreResult(earlier.id(), true))
                        .orElseThrow(() -> unavailable("duplicate event vanished", e));
            }
            throw unavailable("cannot store event", e);
        }
    }

    /**
     * Claims up to {@code limit} waiting events whose time has come and that nobody holds, oldest first, at most one
     * per contact and none for a contact whose earlier event is still being delivered. Returns their ids.
     */
    public List<String> claimDue(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select e.id, e.contact_key from consent_event e where e." + WAITING
                     + " and (e.next_attempt_at is null or e.next_attempt_at <= ?) and (e.claimed_until is null or e.claimed_until < ?)"
                     + " and not exists (select 1 from consent_event o where o.contact_key = e.contact_key and o.id <> e.id"
                     + " and o." + WAITING + " and o.claimed_until >= ?)"
                     + " order by e.received_at, e.id fetch first " + (limit * 4) + " rows only");
             PreparedStatement claim = c.prepareStatement("update consent_event set claimed_by = ?, claimed_until = ? "
                     + "where id = ? and " + WAITING + " and (claimed_until is null or claimed_until < ?)")) {
            ps.setObject(1, at(now));
            ps.setObject(2, at(now));
            ps.setObject(3, at(now));
            List<String> claimed = new ArrayList<>();
            Set<String> contacts = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && claimed.size() < limit) {
                    String id = rs.getString(1);
                    if (!contacts.add(rs.getString(2))) {
                        continue; // this contact's older event goes first
                    }
                    claim.setString(1, instanceId);
                    claim.setObject(2, at(now.plusMillis(leaseMs)));
                    claim.setString(3, id);
                    claim.setObject(4, at(now));
                    if (claim.executeUpdate() == 1) {
                        claimed.add(id);
                    }
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw unavailable("cannot claim events", e);
        }
    }

    /** Frees the claims this instance held before a restart, so its unfinished events resume at once. */
    public int releaseOwnClaims() {
        return update("update consent_event set claimed_by = null, claimed_until = null where claimed_by = ?", instanceId);
    }

    /** Loads a claimed event for delivery and counts the attempt. */
    public StoredEvent startAttempt(String id) {
        update("update consent_event set attempts = attempts + 1, updated_at = ? where id = ?", at(clock.instant()), id);
        return find(id).orElseThrow(() -> new IllegalStateException("claimed event " + id + " is not in the store"));
    }

    /** A retry is scheduled: count it, keep the reason, and hold the claim past the wait. */
    public void recordRetry(String id, String reason, Integer responseCode, long delayMs) {
        Instant now = clock.instant();
        update("update consent_event set status = 'retrying', reason = ?, last_response_code = ?, attempts = attempts + 1, "
                        + "updated_at = ?, claimed_until = ? where id = ?",
                truncate(reason), responseCode, at(now), at(now.plusMillis(delayMs + leaseMs)), id);
        find(id).ifPresent(this::notifyOutcome);
    }

    /**
     * Dotdigital asked us to slow down: the event goes back to waiting until {@code until}, without counting the
     * attempt against its retries.
     */
    public void deferUntil(String id, Instant until, String reason) {
        update("update consent_event set attempts = case when attempts > 0 then attempts - 1 else 0 end, reason = ?, "
                        + "next_attempt_at = ?, claimed_by = null, claimed_until = null, updated_at = ? where id = ?",
                truncate(reason), at(until), at(clock.instant()), id);
    }

    public void markDelivered(String id, int responseCode, String fieldsWritten, String reason) {
        finish(id, EventStatus.DELIVERED, reason, responseCode, fieldsWritten);
    }

    public void markSkipped(String id, String reason, Integer responseCode) {
        finish(id, EventStatus.SKIPPED, reason, responseCode, null);
    }

    public void markStale(String id, String reason) {
        finish(id, EventStatus.STALE, reason, null, null);
    }

    public void markDead(String id, String reason, Integer responseCode) {
        finish(id, EventStatus.DEAD, reason, responseCode, null);
    }

    /** Puts a dead or skipped event back to delivery. Returns the status it had, empty when unknown. */
    public Optional<EventStatus> replay(String id) {
        Optional<StoredEvent> event = find(id);
        event.filter(e -> e.status().isReplayable()).ifPresent(e -> update(
                "update consent_event set status = 'pending', reason = ?, next_attempt_at = null, claimed_by = null, "
                        + "claimed_until = null, updated_at = ? where id = ? and status = ?",
                truncate("replayed after " + e.status().id() + (e.reason() == null ? "" : ": " + e.reason())),
                at(clock.instant()), id, e.status().id()));
        return event.map(StoredEvent::status);
    }

    /** Replays every event in a replayable status that reached it at or after {@code since}; returns how many. */
    public int replayAll(EventStatus status, Instant since) {
        if (!status.isReplayable()) {
            throw new IllegalArgumentException("only dead or skipped events can be replayed");
        }
        // the reason is cut to its column's 2000 characters, as truncate() does for single replays
        return update("update consent_event set status = 'pending', reason = substring('replayed after ' || status || "
                        + "coalesce(': ' || reason, '') from 1 for 2000), next_attempt_at = null, claimed_by = null, claimed_until = null, "
                        + "updated_at = ? where status = ? and updated_at >= ?",
                at(clock.instant()), status.id(), at(since == null ? Instant.EPOCH : since));
    }

    public Optional<StoredEvent> find(String id) {
        return queryOne("select " + COLUMNS + " from consent_event where id = ?", id);
    }

    public List<StoredEvent> list(EventStatus status, int limit) {
        String where = status == null ? "" : " where status = ?";
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from consent_event" + where
                     + " order by received_at desc, id fetch first " + limit + " rows only")) {
            if (status != null) {
                ps.setString(1, status.id());
            }
            return readAll(ps);
        } catch (SQLException e) {
            throw unavailable("cannot list events", e);
        }
    }

    /** Every event of one contact, in the order of the consent choices they carry. */
    public List<StoredEvent> listByContact(String contactKey) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from consent_event where contact_key = ?"
                     + " order by consent_time, consent_version, received_at")) {
            ps.setString(1, contactKey);
            return readAll(ps);
        } catch (SQLException e) {
            throw unavailable("cannot list events", e);
        }
    }

    /** Cheap round trip used by readiness checks. */
    public boolean isReachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void finish(String id, EventStatus status, String reason, Integer responseCode, String fieldsWritten) {
        update("update consent_event set status = ?, reason = ?, last_response_code = ?, fields_written = ?, "
                        + "updated_at = ?, next_attempt_at = null, claimed_by = null, claimed_until = null where id = ?",
                status.id(), truncate(reason), responseCode, fieldsWritten, at(clock.instant()), id);
        find(id).ifPresent(this::notifyOutcome);
    }

    private void notifyOutcome(StoredEvent event) {
        for (EventOutcomeListener l : listeners) {
            try {
                l.onOutcome(event);
            } catch (RuntimeException e) {
                LOG.warn("outcome listener failed: {}", e.toString());
            }
        }
    }

    /** How many events are in each status (statuses without events are absent). */
    public java.util.Map<EventStatus, Long> countByStatus() {
        java.util.Map<EventStatus, Long> counts = new java.util.EnumMap<>(EventStatus.class);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select status, count(*) from consent_event group by status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(EventStatus.fromId(rs.getString(1)), rs.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw unavailable("cannot count events", e);
        }
    }

    public WaitingSummary waitingSummary() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*), min(received_at) from consent_event where " + WAITING);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
            return new WaitingSummary(rs.getLong(1), oldest == null ? null : oldest.toInstant());
        } catch (SQLException e) {
            throw unavailable("cannot count waiting events", e);
        }
    }

    private Optional<StoredEvent> queryOne(String sql, String arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            return readAll(ps).stream().findFirst();
        } catch (SQLException e) {
            throw unavailable("cannot read event", e);
        }
    }

    private static List<StoredEvent> readAll(PreparedStatement ps) throws SQLException {
        List<StoredEvent> events = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int code = rs.getInt("last_response_code");
                Integer responseCode = rs.wasNull() ? null : code;
                OffsetDateTime consentTime = rs.getObject("consent_time", OffsetDateTime.class);
                events.add(new StoredEvent(rs.getString("id"), rs.getString("event_type"),
                        rs.getString("organization_user_id"), rs.getString("contact_key"), rs.getString("regulation"),
                        consentTime == null ? null : consentTime.toInstant(), rs.getLong("consent_version"),
                        EventStatus.fromId(rs.getString("status")), rs.getString("reason"), rs.getInt("attempts"),
                        responseCode,
                        rs.getObject("received_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                        rs.getString("fields_written"), rs.getString("payload")));
            }
        }
        return events;
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("cannot update event store", e);
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String reason) {
        return reason == null || reason.length() <= 2000 ? reason : reason.substring(0, 1997) + "...";
    }

    static boolean isUniqueViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    static EventStoreUnavailableException unavailable(String what, SQLException e) {
        return new EventStoreUnavailableException(what + ": " + e.getMessage(), e);
    }
}
