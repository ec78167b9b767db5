package io.consentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.consentsync.store.Jdbc.unavailable;

/**
 * Read-only views of the event store, for the admin API, the status page, the metrics and the bulk-import trigger. It
 * writes nothing and takes no claim; whether an event is due is decided by the database's clock.
 */
public class EventQueries {

    static final String COLUMNS = "id, event_type, organization_user_id, contact_key, regulation, consent_time, "
            + "consent_version, status, reason, attempts, last_response_code, received_at, updated_at, fields_written, payload, "
            + "consent_time_note, reason_code";
    static final String WAITING = "status in ('pending', 'retrying')";
    /** Waiting and its time has come, by the database's clock (the one every instance shares). */
    static final String DUE = WAITING + " and (next_attempt_at is null or next_attempt_at <= current_timestamp)";
    /**
     * The events a bulk replay takes: in a status (dead or skipped) since a time (two parameters, in that order), whose
     * webhook body retention has not dropped yet.
     */
    static final String REPLAYABLE_SINCE = "status = ? and updated_at >= ? and payload is not null";

    private final DataSource dataSource;

    /** Pending and retrying events: how many, and when the oldest arrived (null when none). */
    public record WaitingSummary(long count, Instant oldestReceivedAt) {
    }

    public EventQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
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
                     + " order by consent_time, consent_version, received_at, id")) {
            ps.setString(1, contactKey);
            return readAll(ps);
        } catch (SQLException e) {
            throw unavailable("cannot list events", e);
        }
    }

    /**
     * The newest {@code limit} events of one contact (by the consent choices they carry), in the same order as
     * {@link #listByContact}: what one admin request may hold in memory, however long the person's history.
     */
    public List<StoredEvent> listNewestByContact(String contactKey, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from consent_event where contact_key = ?"
                     + " order by consent_time desc, consent_version desc, received_at desc, id desc"
                     + " fetch first " + Math.max(1, limit) + " rows only")) {
            ps.setString(1, contactKey);
            List<StoredEvent> newestFirst = new ArrayList<>(readAll(ps));
            java.util.Collections.reverse(newestFirst);
            return newestFirst;
        } catch (SQLException e) {
            throw unavailable("cannot list events", e);
        }
    }

    /** How many events are stored under one contact key. */
    public long countByContact(String contactKey) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from consent_event where contact_key = ?")) {
            ps.setString(1, contactKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw unavailable("cannot count events", e);
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

    /** Waiting events whose time has come. */
    public long countDue() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from consent_event where " + DUE)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw unavailable("cannot count due events", e);
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

    /** How many events a bulk replay of this status since this time would take (the same rows as the replay). */
    public long countReplayable(EventStatus status, Instant since) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from consent_event where " + REPLAYABLE_SINCE)) {
            ps.setString(1, status.id());
            ps.setObject(2, Jdbc.at(since == null ? Instant.EPOCH : since));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw unavailable("cannot count events", e);
        }
    }

    /**
     * Events per minute since {@code from}, by each event's current state: received (by receipt time), delivered and
     * dead (by the time they got there), and finished (any final status, by that time) from which the backlog over
     * time is derived. Minute {@code i} is {@code [from + i min, from + i+1 min)}; rows before {@code from} are not read.
     */
    public PerMinute perMinute(Instant from, int minutes) {
        PerMinute counts = new PerMinute(new long[minutes], new long[minutes], new long[minutes], new long[minutes]);
        try (Connection c = dataSource.getConnection()) {
            countPerMinute(c, "received_at", null, from, counts.received());
            countPerMinute(c, "updated_at", "status = 'delivered'", from, counts.delivered());
            countPerMinute(c, "updated_at", "status = 'dead'", from, counts.dead());
            countPerMinute(c, "updated_at", "status not in ('pending', 'retrying')", from, counts.finished());
        } catch (SQLException e) {
            throw unavailable("cannot count events per minute", e);
        }
        return counts;
    }

    /** Counts per minute of one kind, each array index a minute since the window's start. */
    public record PerMinute(long[] received, long[] delivered, long[] dead, long[] finished) {
    }

    // the minute is computed in SQL (extract epoch works on H2 and PostgreSQL), so only one row per minute comes back
    private static void countPerMinute(Connection c, String column, String where, Instant from, long[] into) throws SQLException {
        // the window's start as a literal (a long we computed), so the select and group-by expressions are the same
        String minute = "floor((extract(epoch from " + column + ") - " + from.getEpochSecond() + ") / 60)";
        try (PreparedStatement ps = c.prepareStatement("select " + minute + " as m, count(*) from consent_event where "
                + column + " >= ?" + (where == null ? "" : " and " + where) + " group by " + minute)) {
            ps.setObject(1, Jdbc.at(from));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long m = rs.getLong(1);
                    if (m >= 0 && m < into.length) { // a row stamped after now (another host's clock) is left out
                        into[(int) m] += rs.getLong(2);
                    }
                }
            }
        }
    }

    /** The first event the query finds (one string argument), if any. */
    Optional<StoredEvent> queryOne(String sql, String arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            return readAll(ps).stream().findFirst();
        } catch (SQLException e) {
            throw unavailable("cannot read event", e);
        }
    }

    /** Runs a query selecting {@link #COLUMNS} and reads its rows as events. */
    static List<StoredEvent> readAll(PreparedStatement ps) throws SQLException {
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
                        rs.getString("fields_written"), rs.getString("payload"), rs.getString("consent_time_note"),
                        ReasonCode.fromId(rs.getString("reason_code"))));
            }
        }
        return events;
    }
}
