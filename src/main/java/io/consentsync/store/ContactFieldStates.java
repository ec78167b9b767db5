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

import static io.consentsync.store.Jdbc.at;
import static io.consentsync.store.Jdbc.bind;
import static io.consentsync.store.Jdbc.isUniqueViolation;
import static io.consentsync.store.Jdbc.unavailable;

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

    private final ContactClaims claims;
    private final DataSource dataSource;
    private final Clock clock;

    /** Recording is fenced by this instance's claims, on their data source. */
    public ContactFieldStates(ContactClaims claims, Clock clock) {
        this.claims = claims;
        this.dataSource = claims.dataSource();
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

    /**
     * Fields that now hold the choice of ({@code consentTime}, {@code consentVersion}) from event {@code eventId};
     * {@code values} (field to value written, may be empty) is kept for reconcile runs.
     */
    public record Written(Collection<String> fields, Instant consentTime, long consentVersion, String eventId,
                          Map<String, ?> values) {
        public Written(Collection<String> fields, Instant consentTime, long consentVersion, String eventId) {
            this(fields, consentTime, consentVersion, eventId, Map.of());
        }
    }

    /** A field's state with the value last written, as JSON text ({@code "null"} when cleared; null when unknown). */
    public record WrittenValue(FieldState state, String valueJson) {
    }

    /**
     * Every field state of these contacts, with the value written: contact key to (field name to state). One query
     * for a page of contacts (a reconcile run reads them page by page).
     */
    public Map<String, Map<String, WrittenValue>> loadWithValues(Collection<String> contactKeys) {
        Map<String, Map<String, WrittenValue>> all = new HashMap<>();
        if (contactKeys.isEmpty()) {
            return all;
        }
        String marks = String.join(",", java.util.Collections.nCopies(contactKeys.size(), "?"));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select contact_key, field_name, consent_time, consent_version, "
                     + "event_id, written_value from contact_field_state where contact_key in (" + marks + ")")) {
            int i = 1;
            for (String key : contactKeys) {
                ps.setString(i++, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), new WrittenValue(
                            new FieldState(rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getLong(4),
                                    rs.getString(5)), rs.getString(6)));
                }
            }
            return all;
        } catch (SQLException e) {
            throw unavailable("cannot read field states", e);
        }
    }

    /**
     * Records, in one transaction and only while the claim still holds, that these fields now hold these choices,
     * each unless a later one does.
     */
    public void recordWritten(Claim claim, java.util.List<Written> writes) {
        Jdbc.inTransaction(dataSource, "cannot record field states", c -> {
            if (!claims.holds(c, claim, "field states")) {
                return false;
            }
            try (PreparedStatement update = c.prepareStatement("update contact_field_state set consent_time = ?, "
                         + "consent_version = ?, event_id = ?, written_at = ?, written_value = ? where contact_key = ? and field_name = ? "
                         + "and (consent_time < ? or (consent_time = ? and consent_version <= ?))");
                 PreparedStatement insert = c.prepareStatement("insert into contact_field_state (contact_key, field_name, "
                         + "consent_time, consent_version, event_id, written_at, written_value) values (?, ?, ?, ?, ?, ?, ?)")) {
                for (Written w : writes) {
                    for (String field : w.fields()) {
                        write(c, update, insert, claim.contactKey(), field, w);
                    }
                }
            }
            return true;
        });
    }

    private void write(Connection c, PreparedStatement update, PreparedStatement insert, String contactKey, String field,
                       Written w) throws SQLException {
        Instant time = w.consentTime();
        String value = valueJson(w, field);
        bind(update, at(time), w.consentVersion(), w.eventId(), at(clock.instant()), value, contactKey, field, at(time),
                at(time), w.consentVersion());
        if (update.executeUpdate() == 0) {
            bind(insert, contactKey, field, at(time), w.consentVersion(), w.eventId(), at(clock.instant()), value);
            // a unique violation means a row exists that holds a later choice: keep it (the savepoint keeps the
            // transaction usable on PostgreSQL, which aborts a transaction at its first error)
            java.sql.Savepoint beforeInsert = c.setSavepoint();
            try {
                insert.executeUpdate();
                c.releaseSavepoint(beforeInsert);
            } catch (SQLException e) {
                c.rollback(beforeInsert);
                if (!isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The value written as JSON text; null when the write did not say (unknown) or it is too long to keep. */
    private static String valueJson(Written w, String field) {
        if (!w.values().containsKey(field)) {
            return null;
        }
        try {
            String json = JSON.writeValueAsString(w.values().get(field));
            return json.length() > 4000 ? null : json;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
