package io.consentsync.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.consentsync.store.EventQueries.COLUMNS;
import static io.consentsync.store.EventQueries.DUE;
import static io.consentsync.store.EventQueries.WAITING;
import static io.consentsync.store.EventQueries.readAll;
import static io.consentsync.store.Jdbc.at;
import static io.consentsync.store.Jdbc.bind;
import static io.consentsync.store.Jdbc.databaseTime;
import static io.consentsync.store.Jdbc.execute;
import static io.consentsync.store.Jdbc.inTransaction;
import static io.consentsync.store.Jdbc.isUniqueViolation;
import static io.consentsync.store.Jdbc.unavailable;
import static io.consentsync.store.Jdbc.update;

/**
 * The durable inbox and outcome log. Intake answers 2xx only after {@link #accept} committed. Delivery takes a
 * claimed contact's due events as one batch ({@link #loadBatch}; the claim itself is {@link ContactClaims}'s) and
 * records their outcomes here, each recording fenced: it happens only while the claim still holds the batch's fence,
 * checked in the same transaction. The outcome listeners (metrics, the outcome log) hear of every outcome recorded.
 * <p>
 * One clock: whether an event is due is decided by the database's {@code current_timestamp}, never by this JVM's
 * clock; times computed here (a retry's due time) start from the database's time too. Reads are
 * {@link EventQueries}'s.
 */
public class EventStore {

    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

    private final DataSource dataSource;
    private final ContactClaims claims;
    private final EventQueries queries;
    private final Clock clock;
    private final java.time.Duration maxConsentTimeSkew;
    private final int maxEventsPerContact;
    private volatile List<EventOutcomeListener> listeners = List.of();
    private volatile ErasedContacts erased = ErasedContacts.NONE;

    /**
     * @param claims             this instance's claims on the same data source: they fence and free contacts inside
     *                           this store's transactions
     * @param queries            reads on the same data source (an event read back for the listeners)
     * @param maxConsentTimeSkew how far after its receipt an event's consent time may lie; a later one is not trusted
     *                           (it would make every real choice after it look older) and the time received is used
     */
    public EventStore(DataSource dataSource, ContactClaims claims, EventQueries queries, Clock clock,
                      java.time.Duration maxConsentTimeSkew, int maxEventsPerContact) {
        if (claims.dataSource() != dataSource || queries.dataSource() != dataSource) {
            throw new IllegalArgumentException("the event store, its claims and its queries must share one data source");
        }
        this.dataSource = dataSource;
        this.claims = claims;
        this.queries = queries;
        this.clock = clock;
        this.maxConsentTimeSkew = maxConsentTimeSkew;
        this.maxEventsPerContact = maxEventsPerContact;
    }

    /** Intake asks this whether an event is older than its person's erasure (set once the erasure is wired). */
    public void checkErasuresWith(ErasedContacts erasedContacts) {
        this.erased = erasedContacts;
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
    public StoreResult accept(NewEvent received) {
        return acceptHeld(received, null);
    }

    /**
     * As {@link #accept(NewEvent)}, the event not due before {@code notBefore} (null: at once) unless
     * {@link #release released} earlier: a reconcile run holds its events back and releases them together, so a large
     * run reaches the bulk import as one burst. (Not an overload of accept: the route calls that one by name.)
     */
    public StoreResult acceptHeld(NewEvent received, Instant notBefore) {
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        Instant consentTime = received.consentTime() == null ? now : received.consentTime();
        String consentTimeNote = null;
        if (consentTime.isAfter(now.plus(maxConsentTimeSkew))) { // within the tolerance: Didomi's clock may run ahead
            consentTimeNote = "consent time " + consentTime + " is more than " + maxConsentTimeSkew.toSeconds()
                    + " s after the event was received: not trusted, ordered by the time received";
            consentTime = now;
        }
        // an event older than its person's erasure comes back under the hash, without its body (never in clear)
        NewEvent event = erased.olderThanErasure(received, consentTime).orElse(received);
        OffsetDateTime erasedAt = event == received ? null : at(now);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into consent_event (id, dedup_key, event_type, "
                     + "organization_user_id, contact_key, regulation, consent_time, consent_version, payload, status, "
                     + "reason, reason_code, attempts, received_at, updated_at, consent_time_note, erased_at, "
                     + "payload_dropped_at, next_attempt_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, event.dedupKey());
            ps.setString(3, event.type());
            ps.setString(4, event.organizationUserId());
            ps.setString(5, event.contactKey());
            ps.setString(6, event.regulation());
            ps.setObject(7, at(consentTime));
            ps.setLong(8, event.consentVersion());
            ps.setString(9, event.payload());
            ps.setString(10, event.status().id());
            ps.setString(11, event.reason());
            ps.setString(12, event.reasonCode() == null ? null : event.reasonCode().name());
            ps.setObject(13, at(now));
            ps.setObject(14, at(now));
            ps.setString(15, consentTimeNote);
            ps.setObject(16, erasedAt);
            ps.setObject(17, erasedAt);
            ps.setObject(18, notBefore == null ? null : at(notBefore));
            ps.executeUpdate();
            listeners.forEach(l -> l.onAccepted(event.type(), false));
            if (event.status().isFinal()) {
                queries.find(id).ifPresent(this::notifyOutcome);
            }
            return new StoreResult(id, false);
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                listeners.forEach(l -> l.onAccepted(event.type(), true));
                return queries.queryOne("select " + COLUMNS + " from consent_event where dedup_key = ?", event.dedupKey())
                        .map(earlier -> new StoreResult(earlier.id(), true))
                        .orElseThrow(() -> unavailable("duplicate event vanished", e));
            }
            throw unavailable("cannot store event", e);
        }
    }

    /** Makes held pending events due now (see {@link #acceptHeld(NewEvent, Instant)}); returns how many. */
    public int release(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        return update(dataSource, "update consent_event set next_attempt_at = null where status = 'pending' and id in ("
                + marks + ")", ids.toArray());
    }

    /**
     * Loads the claimed contact's due waiting events, the newest {@code maxEventsPerContact} of them (by the choices
     * they carry), in consent order, and counts the attempt on each. Newest first: the newest choice reaches
     * Dotdigital in the first write, and one person's backlog never has to fit in the heap at once; the older
     * events come in the next batches, where the stale-write guard keeps them from overwriting anything newer.
     */
    public List<StoredEvent> loadBatch(Claim claim) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection();
             PreparedStatement newest = c.prepareStatement("select id from consent_event where contact_key = ? and " + DUE
                     + " order by consent_time desc, consent_version desc, received_at desc, id desc fetch first "
                     + maxEventsPerContact + " rows only")) {
            bind(newest, claim.contactKey());
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = newest.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
            try (PreparedStatement count = c.prepareStatement("update consent_event set attempts = attempts + 1, "
                    + "updated_at = ?, first_attempt_at = coalesce(first_attempt_at, current_timestamp) where id in ("
                    + marks + ")");
                 PreparedStatement load = c.prepareStatement("select " + COLUMNS + " from consent_event where id in ("
                         + marks + ") order by consent_time, consent_version, received_at, id")) {
                List<Object> args = new ArrayList<>(List.of(at(now)));
                args.addAll(ids);
                bind(count, args.toArray());
                count.executeUpdate();
                bind(load, ids.toArray());
                return readAll(load);
            }
        } catch (SQLException e) {
            throw unavailable("cannot load events", e);
        }
    }

    /** A time this JVM computed (a retry's due time, a pause's end), moved onto the database's clock. */
    private OffsetDateTime onDatabaseClock(Connection c, Instant jvmTime) throws SQLException {
        return databaseTime(c).plus(java.time.Duration.between(clock.instant(), jvmTime));
    }

    /** A retry is scheduled: record it on every event of the batch and hold the contact's claim past the wait. */
    public void recordRetry(Claim claim, List<String> ids, String reason, Integer responseCode, long delayMs) {
        recordRetry(claim, ids, reason, null, responseCode, delayMs);
    }

    /** A retry is scheduled, with why as a code. */
    public void recordRetry(Claim claim, List<String> ids, String reason, ReasonCode code, Integer responseCode,
                            long delayMs) {
        Instant now = clock.instant();
        boolean held = inTransaction(dataSource, c -> {
            if (!claims.holds(c, claim, "retry")) {
                return false;
            }
            for (String id : ids) {
                execute(c, "update consent_event set status = 'retrying', reason = ?, reason_code = ?, last_response_code = ?, "
                        + "attempts = attempts + 1, updated_at = ? where id = ?", truncate(reason), id(code), responseCode,
                        at(now), id);
            }
            claims.holdThroughRetry(c, claim, delayMs);
            return true;
        });
        if (held) {
            notifyOutcomes(ids);
        }
    }

    /**
     * Dotdigital asked us to slow down: the batch goes back to waiting until {@code until}, without counting the
     * attempt against its retries, and the contact is free again.
     */
    public void deferUntil(Claim claim, List<String> ids, Instant until, String reason) {
        Instant now = clock.instant();
        inTransaction(dataSource, c -> {
            if (!claims.holds(c, claim, "rate-limit deferral")) {
                return false;
            }
            OffsetDateTime due = onDatabaseClock(c, until);
            for (String id : ids) {
                execute(c, "update consent_event set attempts = case when attempts > 0 then attempts - 1 else 0 end, "
                        + "reason = ?, next_attempt_at = ?, updated_at = ? where id = ?", truncate(reason), due, at(now), id);
            }
            claims.releaseClaim(c, claim);
            return true;
        });
    }

    /** A failed attempt outside Camel's redelivery (a bulk import): the batch waits until {@code at}, contact freed. */
    public void retryLater(Claim claim, List<String> ids, Instant at, String reason, Integer responseCode) {
        retryLater(claim, ids, at, reason, null, responseCode);
    }

    /** A failed attempt outside Camel's redelivery, with why as a code. */
    public void retryLater(Claim claim, List<String> ids, Instant at, String reason, ReasonCode code, Integer responseCode) {
        Instant now = clock.instant();
        boolean held = inTransaction(dataSource, c -> {
            if (!claims.holds(c, claim, "retry")) {
                return false;
            }
            OffsetDateTime due = onDatabaseClock(c, at);
            for (String id : ids) {
                execute(c, "update consent_event set status = 'retrying', reason = ?, reason_code = ?, last_response_code = ?, "
                        + "next_attempt_at = ?, updated_at = ? where id = ?", truncate(reason), id(code), responseCode, due,
                        at(now), id);
            }
            claims.releaseClaim(c, claim);
            return true;
        });
        if (held) {
            notifyOutcomes(ids);
        }
    }

    /**
     * The quick retries are spent and the failure was transient: each event waits in the store as {@code retrying}
     * until {@code at}, unless {@code giveUpAfter} has passed since its first attempt, then it is {@code dead} with a
     * reason saying so. Frees the contact.
     */
    public void park(Claim claim, List<String> ids, Instant at, java.time.Duration giveUpAfter, String reason,
                     ReasonCode code, Integer responseCode) {
        Instant now = clock.instant();
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        boolean held = inTransaction(dataSource, c -> {
            if (!claims.holds(c, claim, "retry")) {
                return false;
            }
            OffsetDateTime due = onDatabaseClock(c, at);
            List<String> expired = new ArrayList<>();
            try (PreparedStatement first = c.prepareStatement("select id, first_attempt_at, current_timestamp "
                    + "from consent_event where id in (" + marks + ")")) {
                bind(first, ids.toArray());
                try (ResultSet rs = first.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime since = rs.getObject(2, OffsetDateTime.class);
                        if (since != null && !since.plus(giveUpAfter).isAfter(rs.getObject(3, OffsetDateTime.class))) {
                            expired.add(rs.getString(1));
                        }
                    }
                }
            }
            String gaveUp = truncate(gaveUp(giveUpAfter) + ": " + reason);
            for (String id : ids) {
                if (expired.contains(id)) {
                    execute(c, "update consent_event set status = 'dead', reason = ?, reason_code = ?, last_response_code = ?, "
                            + "next_attempt_at = null, updated_at = ? where id = ?", gaveUp, id(gaveUpCode(code)), responseCode,
                            at(now), id);
                } else {
                    execute(c, "update consent_event set status = 'retrying', reason = ?, reason_code = ?, last_response_code = ?, "
                            + "next_attempt_at = ?, updated_at = ? where id = ?", truncate(reason), id(code), responseCode, due,
                            at(now), id);
                }
            }
            claims.releaseClaim(c, claim);
            return true;
        });
        if (held) {
            notifyOutcomes(ids);
        }
    }

    /**
     * The code of an event that gave up: its last failure's, as far as the label goes, where that label was read from
     * the reason sentence before codes existed ("gave up after ...: ..." matched timeout, else other).
     */
    private static ReasonCode gaveUpCode(ReasonCode last) {
        return last == null || last == ReasonCode.HTTP_ERROR || last == ReasonCode.TIMEOUT ? last : ReasonCode.OTHER;
    }

    private static String id(ReasonCode code) {
        return code == null ? null : code.name();
    }

    private static String gaveUp(java.time.Duration horizon) {
        String span = horizon.toMinutes() >= 120 ? horizon.toHours() + " h" : horizon.toSeconds() + " s";
        return "gave up after " + span + " of failed attempts (sync.retry.give-up-after-ms)";
    }

    /**
     * Waiting events whose first attempt is older than {@code giveUpAfter} are dead, with a reason saying so: during a
     * pause that outlasts the horizon they are never tried again, so the horizon is enforced here too. Contacts held
     * by a live claim are left to their holder. Returns how many.
     */
    public int giveUpPastHorizon(long giveUpAfterMs, int limit) {
        java.time.Duration giveUpAfter = java.time.Duration.ofMillis(giveUpAfterMs);
        Instant now = clock.instant();
        List<String> ids = new ArrayList<>();
        inTransaction(dataSource, c -> {
            try (PreparedStatement old = c.prepareStatement("select e.id from consent_event e where " + WAITING
                    + " and e.first_attempt_at <= ? and not exists (select 1 from contact_claim k where "
                    + "k.contact_key = e.contact_key and k.claimed_until >= current_timestamp) fetch first " + limit
                    + " rows only")) {
                bind(old, databaseTime(c).minus(giveUpAfter));
                try (ResultSet rs = old.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            for (String id : ids) {
                execute(c, "update consent_event set status = 'dead', reason = substring(? || coalesce(': ' || reason, '') "
                        + "from 1 for 2000), reason_code = case when reason_code in ('HTTP_ERROR', 'TIMEOUT') then reason_code "
                        + "when reason_code is null then null else 'OTHER' end, next_attempt_at = null, updated_at = ? "
                        + "where id = ? and " + WAITING,
                        gaveUp(giveUpAfter), at(now), id);
            }
            return true;
        });
        notifyOutcomes(ids);
        return ids.size();
    }

    /** Records final outcomes of some events of a batch, while the contact's claim still holds. */
    public void record(Claim claim, List<EventOutcome> outcomes) {
        Instant now = clock.instant();
        if (inTransaction(dataSource, c -> claims.holds(c, claim, "outcomes") && writeOutcomes(c, outcomes, now))) {
            outcomes.forEach(o -> notifyOutcome(o.applied(truncate(o.reason()), now)));
        }
    }

    /** Records the batch's final outcomes and frees the contact, in one transaction, while the claim still holds. */
    public void finishBatch(Claim claim, List<EventOutcome> outcomes) {
        Instant now = clock.instant();
        boolean held = inTransaction(dataSource, c -> {
            if (!claims.holds(c, claim, "outcomes")) {
                return false;
            }
            writeOutcomes(c, outcomes, now);
            claims.releaseClaim(c, claim);
            return true;
        });
        if (held) {
            outcomes.forEach(o -> notifyOutcome(o.applied(truncate(o.reason()), now)));
        }
    }

    private boolean writeOutcomes(Connection c, List<EventOutcome> outcomes, Instant now) throws SQLException {
        for (EventOutcome o : outcomes) {
            execute(c, "update consent_event set status = ?, reason = ?, reason_code = ?, last_response_code = ?, "
                            + "fields_written = ?, updated_at = ?, next_attempt_at = null where id = ?",
                    o.status().id(), truncate(o.reason()), id(o.code()), o.responseCode(), o.fieldsWritten(), at(now),
                    o.eventId());
        }
        return true;
    }

    /**
     * Puts a dead or skipped event back to delivery. Returns the status it had, empty when unknown. An event whose
     * webhook body is gone (sync.retention.payload-days, an erasure) stays as it is: there is nothing to deliver.
     */
    public Optional<EventStatus> replay(String id) {
        Optional<StoredEvent> event = queries.find(id);
        event.filter(e -> e.status().isReplayable() && e.payload() != null).ifPresent(e -> update(dataSource,
                "update consent_event set status = 'pending', reason = ?, reason_code = null, next_attempt_at = null, first_attempt_at = null, "
                        + "updated_at = ? where id = ? and status = ? and payload is not null",
                truncate("replayed after " + e.status().id() + (e.reason() == null ? "" : ": " + e.reason())),
                at(clock.instant()), id, e.status().id()));
        return event.map(StoredEvent::status);
    }

    /**
     * Replays every event in a replayable status that reached it at or after {@code since} and still has its webhook
     * body; returns how many.
     */
    public int replayAll(EventStatus status, Instant since) {
        if (!status.isReplayable()) {
            throw new IllegalArgumentException("only dead or skipped events can be replayed");
        }
        // the reason is cut to its column's 2000 characters, as truncate() does for single replays
        return update(dataSource, "update consent_event set status = 'pending', reason = substring('replayed after ' || status || "
                        + "coalesce(': ' || reason, '') from 1 for 2000), reason_code = null, next_attempt_at = null, first_attempt_at = null, "
                        + "updated_at = ? where " + EventQueries.REPLAYABLE_SINCE,
                at(clock.instant()), status.id(), at(since == null ? Instant.EPOCH : since));
    }

    /** Tells the listeners about these events' new state, read back in one query. */
    private void notifyOutcomes(List<String> ids) {
        if (listeners.isEmpty() || ids.isEmpty()) {
            return;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from consent_event where id in (" + marks + ")")) {
            bind(ps, ids.toArray());
            readAll(ps).forEach(this::notifyOutcome);
        } catch (SQLException e) {
            LOG.warn("cannot read outcomes back for the listeners: {}", Jdbc.redacted(e.toString()));
        }
    }

    private void notifyOutcome(StoredEvent event) {
        for (EventOutcomeListener l : listeners) {
            try {
                l.onOutcome(event);
            } catch (RuntimeException e) {
                LOG.warn("outcome listener failed: {}", io.consentsync.observe.OutcomeLog.mask(Jdbc.redacted(e.toString())));
            }
        }
    }

    private static String truncate(String reason) {
        return reason == null || reason.length() <= 2000 ? reason : reason.substring(0, 1997) + "...";
    }
}
