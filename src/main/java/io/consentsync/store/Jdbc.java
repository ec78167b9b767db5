package io.consentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The plain-JDBC helpers every store class shares: binding arguments, one statement or one transaction, the
 * database's clock, and the one exception callers see ({@link EventStoreUnavailableException}, its text redacted).
 * Public for the tables kept outside this package (reconcile runs), so they bind, time and redact the same way.
 */
public final class Jdbc {

    private Jdbc() {
    }

    public interface Work {
        /** @return false to roll back (nothing was to be written) */
        boolean run(Connection c) throws SQLException;
    }

    /** Runs the work in one transaction; returns what the work returned (false: rolled back). */
    public static boolean inTransaction(DataSource dataSource, Work work) {
        return inTransaction(dataSource, "cannot update event store", work);
    }

    /** The same, with what failed said in the store's exception ("cannot record field states"). */
    public static boolean inTransaction(DataSource dataSource, String what, Work work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean done = work.run(c);
                if (done) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return done;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    /** One update statement on its own connection (auto-commit); returns how many rows it changed. */
    static int update(DataSource dataSource, String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("cannot update event store", e);
        }
    }

    /** One update statement on the caller's connection (inside its transaction). */
    public static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        }
    }

    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    public static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The database's current time: every instance sharing the store reads the same clock here. */
    static OffsetDateTime databaseTime(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select current_timestamp");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    public static EventStoreUnavailableException unavailable(String what, SQLException e) {
        return new EventStoreUnavailableException(what + ": " + redacted(e.getMessage()), e);
    }

    /**
     * A database's error text may quote the value it refused (an e-mail address): values are cut out before the
     * message is logged; column and type names (upper-case identifiers) stay, so the cause is still readable.
     */
    static String redacted(String message) {
        if (message == null) {
            return null;
        }
        return message.replaceAll("'[^']*'", "'…'").replaceAll("\"(?![A-Z0-9_ (),.]*\")[^\"]*\"", "\"…\"");
    }
}
