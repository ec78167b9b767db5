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
 * Dotdigital rate-limit pauses per API user, in the shared store, so every instance holds back together. A pause's end
 * is kept on the database's clock: each instance reads how long is left by that clock, so one whose own clock runs
 * ahead or behind still pauses exactly as long.
 */
public class RateLimitPauses {

    /** A pause some instance learnt of. */
    public record Pause(Instant until, String reason, String setBy) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    public RateLimitPauses(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public Optional<Pause> current(String apiUser) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select paused_until, reason, set_by, current_timestamp "
                     + "from rate_limit_pause where api_user = ?")) {
            ps.setString(1, apiUser);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Duration left = Duration.between(rs.getObject(4, OffsetDateTime.class), rs.getObject(1, OffsetDateTime.class));
                return Optional.of(new Pause(clock.instant().plus(left), rs.getString(2), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw unavailable("cannot read the rate-limit pause", e);
        }
    }

    /** Makes the pause last at least until {@code until}; a longer pause already recorded stays. */
    public void extend(String apiUser, Instant until, String reason, String setBy) {
        String why = reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500);
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("update rate_limit_pause set paused_until = ?, reason = ?, "
                     + "set_by = ? where api_user = ? and paused_until < ?")) {
            OffsetDateTime end = Jdbc.databaseTime(c).plus(Duration.between(clock.instant(), until));
            bind(update, end, why, setBy, apiUser, end);
            if (update.executeUpdate() == 1) {
                return;
            }
            try (PreparedStatement insert = c.prepareStatement("insert into rate_limit_pause (api_user, paused_until, "
                    + "reason, set_by) values (?, ?, ?, ?)")) {
                bind(insert, apiUser, end, why, setBy);
                insert.executeUpdate();
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw e; // else the row exists with a pause at least as long: keep it
                }
            }
        } catch (SQLException e) {
            throw unavailable("cannot record the rate-limit pause", e);
        }
    }
}
