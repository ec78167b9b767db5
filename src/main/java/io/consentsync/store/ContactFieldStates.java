package io.consentsync.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import static io.consentsync.store.EventStore.at;
import static io.consentsync.store.EventStore.bind;
import static io.consentsync.store.EventStore.isUniqueViolation;
import static io.consentsync.store.EventStore.unavailable;

/** Per contact and data field: the consent time (and version) of the value last written to Dotdigital. */
public class ContactFieldStates {

    /** The choice behind a field's current value. */
    public record FieldState(Instant consentTime, long consentVersion, String eventId) {
        /** True when this value comes from a later choice than ({@code time}, {@code version}). */
        public boolean isNewerThan(Instant time, long version) {
            int byTime = consentTime.compareTo(time);
            return byTime > 0 || (byTime == 0 && consentVersion > version);
        }
    }

    private final DataSource dataSource;
    private final Clock clock;

    public ContactFieldStates(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public Map<String, FieldState> load(String contactKey, Collection<String> fields) {
        Map<String, FieldState> states = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select field_name, consent_time, consent_version, event_id "
                     + "from contact_field_state where contact_key = ?")) {
            ps.setString(1, contactKey);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (fields.contains(rs.getString(1))) {
                        states.put(rs.getString(1), new FieldState(rs.getObject(2, OffsetDateTime.class).toInstant(),
                                rs.getLong(3), rs.getString(4)));
                    }
                }
            }
            return states;
        } catch (SQLException e) {
            throw unavailable("cannot read field states", e);
        }
    }

    /** Records that these fields now hold the choice of ({@code time}, {@code version}), unless a later one does. */
    public void recordWritten(String contactKey, Collection<String> fields, Instant time, long version, String eventId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("update contact_field_state set consent_time = ?, "
                     + "consent_version = ?, event_id = ?, written_at = ? where contact_key = ? and field_name = ? "
                     + "and (consent_time < ? or (consent_time = ? and consent_version <= ?))");
             PreparedStatement insert = c.prepareStatement("insert into contact_field_state (contact_key, field_name, "
                     + "consent_time, consent_version, event_id, written_at) values (?, ?, ?, ?, ?, ?)")) {
            for (String field : fields) {
                bind(update, at(time), version, eventId, at(clock.instant()), contactKey, field, at(time), at(time), version);
                if (update.executeUpdate() == 0) {
                    bind(insert, contactKey, field, at(time), version, eventId, at(clock.instant()));
                    try {
                        insert.executeUpdate();
                    } catch (SQLException e) {
                        if (!isUniqueViolation(e)) {
                            throw e; // a row exists: it holds a later choice, keep it
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw unavailable("cannot record field states", e);
        }
    }
}
