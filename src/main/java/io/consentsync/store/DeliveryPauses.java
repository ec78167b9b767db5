package io.consentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import static io.consentsync.store.Jdbc.bind;
import static io.consentsync.store.Jdbc.isUniqueViolation;
import static io.consentsync.store.Jdbc.unavailable;

/**
 * Delivery paused for a whole Dotdigital account (per API user) in the shared store, so every instance stops and only
 * one of them probes at a time: the probe slot ({@code next_probe_at}) is taken by one atomic update, on the
 * database's clock.
 */
public class DeliveryPauses {

    /** A pause some instance started: why, since when (on this JVM's clock), and the status code behind it. */
    public record Pause(String reason, String detail, Integer statusCode, Instant since, String setBy) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    public DeliveryPauses(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public Optional<Pause> current(String apiUser) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select reason, detail, status_code, since, set_by, current_timestamp "
                     + "from delivery_pause where api_user = ?")) {
            ps.setString(1, apiUser);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int code = rs.getInt(3);
                Integer statusCode = rs.wasNull() ? null : code;
                Duration ago = Duration.between(rs.getObject(4, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class));
                return Optional.of(new Pause(rs.getString(1), rs.getString(2), statusCode, clock.instant().minus(ago),
                        rs.getString(5)));
            }
        } catch (SQLException e) {
            throw unavailable("cannot read the delivery pause", e);
        }
    }

    /**
     * Starts the pause, or updates why it holds (a 401 during an outage says more than the outage). The first probe
     * is due after {@code firstProbe}. Returns true when this call started it.
     */
    public boolean start(String apiUser, String reason, String detail, Integer statusCode, String setBy, Duration firstProbe) {
        String why = detail == null || detail.length() <= 500 ? detail : detail.substring(0, 500);
        try (Connection c = dataSource.getConnection()) {
            OffsetDateTime now = Jdbc.databaseTime(c);
            try (PreparedStatement insert = c.prepareStatement("insert into delivery_pause (api_user, reason, detail, "
                    + "status_code, since, next_probe_at, set_by) values (?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, apiUser, reason, why, statusCode, now, now.plus(firstProbe), setBy);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
            }
            try (PreparedStatement update = c.prepareStatement("update delivery_pause set reason = ?, detail = ?, "
                    + "status_code = ? where api_user = ?")) {
                bind(update, reason, why, statusCode, apiUser);
                update.executeUpdate();
            }
            return false;
        } catch (SQLException e) {
            throw unavailable("cannot record the delivery pause", e);
        }
    }

    /** Takes the probe slot when it is due: true for exactly one instance per interval. */
    public boolean takeProbe(String apiUser, Duration interval) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update delivery_pause set next_probe_at = ? "
                     + "where api_user = ? and next_probe_at <= current_timestamp")) {
            bind(ps, Jdbc.databaseTime(c).plus(interval), apiUser);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw unavailable("cannot take the probe slot", e);
        }
    }

    /** Ends the pause; returns it when this call ended it. */
    public Optional<Pause> end(String apiUser) {
        Optional<Pause> pause = current(apiUser);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from delivery_pause where api_user = ?")) {
            ps.setString(1, apiUser);
            return ps.executeUpdate() == 1 ? pause : Optional.empty();
        } catch (SQLException e) {
            throw unavailable("cannot end the delivery pause", e);
        }
    }
}
