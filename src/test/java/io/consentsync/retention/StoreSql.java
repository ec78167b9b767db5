package io.consentsync.retention;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/** Plain JDBC on a test's embedded store: what an operator with the database file would see. */
final class StoreSql {

    private StoreSql() {
    }

    /** H2's SCRIPT: the whole database as SQL text, every row of every table. */
    static String dump(String jdbcUrl) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SCRIPT")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    static boolean dumpMentions(String jdbcUrl, String text) throws SQLException {
        return dump(jdbcUrl).toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
    }

    static long count(String jdbcUrl, String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String payload(String jdbcUrl, String id) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
             PreparedStatement ps = c.prepareStatement("select payload from consent_event where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no event " + id);
                }
                return rs.getString(1);
            }
        }
    }

    static int execute(String jdbcUrl, String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    /**
     * Inserts an event row as the connector stores it, with its times {@code ageMs} in the past and the given status;
     * a waiting one is due only in a day (delivery leaves it alone).
     */
    static void insertEvent(String jdbcUrl, String id, String email, String status, long ageMs) throws SQLException {
        insertEvent(jdbcUrl, id, email, status, ageMs, "{\"type\":\"event.created\",\"user\":\"" + email + "\"}");
    }

    /** The same with the webhook body given (a real envelope, for an event delivery will map). */
    static void insertEvent(String jdbcUrl, String id, String email, String status, long ageMs, String payload)
            throws SQLException {
        execute(jdbcUrl, "insert into consent_event (id, dedup_key, event_type, organization_user_id, contact_key, "
                        + "regulation, consent_time, consent_version, payload, status, reason, attempts, received_at, "
                        + "updated_at, next_attempt_at) values (?, ?, 'event.created', ?, ?, 'gdpr', "
                        + "dateadd(millisecond, ?, current_timestamp), 0, ?, ?, null, 0, "
                        + "dateadd(millisecond, ?, current_timestamp), dateadd(millisecond, ?, current_timestamp), "
                        + "case when ? in ('pending', 'retrying') then dateadd(day, 1, current_timestamp) end)",
                id, "event.created:" + id, email, email.toLowerCase(Locale.ROOT), -ageMs, payload, status, -ageMs, -ageMs,
                status);
    }
}
