package io.consentsync.store;

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
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable inbox and outcome log. Intake answers 2xx only after {@link #accept} committed. Delivery claims a
 * contact (table contact_claim, a lease with an owner and a fence) and takes all its due events as one batch, so two
 * choices of one person never race each other to Dotdigital, across threads and instances. A crashed holder's claims
 * are taken over when the lease runs out; a restarted instance releases its own at once.
 * <p>
 * One clock: whether a lease ran out or an event is due is decided by the database's {@code current_timestamp}, never
 * by this JVM's clock, so instances whose clocks disagree still agree on who holds a contact. Times computed here (a
 * lease's end, a retry's due time) start from the database's time too. Recording for a batch is fenced: it happens
 * only while the claim still holds the batch's fence.
 */
public class EventStore {

    private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);
    private static final String COLUMNS = "id, event_type, organization_user_id, contact_key, regulation, consent_time, "
            + "consent_version, status, reason, attempts, last_response_code, received_at, updated_at, fields_written, payload, "
            + "consent_time_note, reason_code";
    private static final String WAITING = "status in ('pending', 'retrying')";
    /** Waiting and its time has come, by the database's clock (the one every instance shares). */
    private static final String DUE = WAITING + " and (next_attempt_at is null or next_attempt_at <= current_timestamp)";
    /** The end of a released claim's lease: its row stays, so the contact's fence keeps growing. */
    private static final OffsetDateTime RELEASED = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final DataSource dataSource;
    private final String instanceId;
    private final long leaseMs;
    private final Clock clock;
    private final java.time.Duration maxConsentTimeSkew;
    private final int maxEventsPerContact;
    private volatile List<EventOutcomeListener> listeners = List.of();

    /** Pending and retrying events: how many, and when the oldest arrived (null when none). */
    public record WaitingSummary(long count, Instant oldestReceivedAt) {
    }

    /**
     * @param maxConsentTimeSkew how far after its receipt an event's consent time may lie; a later one is not trusted
     *                           (it would make every real choice after it look older) and the time received is used
     */
    public EventStore(DataSource dataSource, String instanceId, long leaseMs, Clock clock, java.time.Duration maxConsentTimeSkew,
                      int maxEventsPerContact) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.leaseMs = leaseMs;
        this.clock = clock;
        this.maxConsentTimeSkew = maxConsentTimeSkew;
        this.maxEventsPerContact = maxEventsPerContact;
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
        Instant consentTime = event.consentTime() == null ? now : event.consentTime();
        String consentTimeNote = null;
        if (consentTime.isAfter(now.plus(maxConsentTimeSkew))) { // within the tolerance: Didomi's clock may run ahead
            consentTimeNote = "consent time " + consentTime + " is more than " + maxConsentTimeSkew.toSeconds()
                    + " s after the event was received: not trusted, ordered by the time received";
            consentTime = now;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into consent_event (id, dedup_key, event_type, "
                     + "organization_user_id, contact_key, regulation, consent_time, consent_version, payload, status, "
                     + "reason, attempts, received_at, updated_at, consent_time_note) "
                     + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")) {
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
            ps.setObject(12, at(now));
            ps.setObject(13, at(now));
            ps.setString(14, consentTimeNote);
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
                     + "from consent_event e where " + DUE
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
                OffsetDateTime until = databaseTime(c).plus(java.time.Duration.ofMillis(leaseMs));
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
            OffsetDateTime until = databaseTime(c).plus(java.time.Duration.ofMillis(leaseMs));
            bind(renew, until, instanceId, until);
            return renew.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("cannot renew claims", e);
        }
    }

    /** The database's current time: every instance sharing the store reads the same clock here. */
    public Instant databaseTime() {
        try (Connection c = dataSource.getConnection()) {
            return databaseTime(c).toInstant();
        } catch (SQLException e) {
            throw unavailable("cannot read the database's time", e);
        }
    }

    static OffsetDateTime databaseTime(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select current_timestamp");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
        }
    }

    /** A time this JVM computed (a retry's due time, a pause's end), moved onto the database's clock. */
    private OffsetDateTime onDatabaseClock(Connection c, Instant jvmTime) throws SQLException {
        return databaseTime(c).plus(java.time.Duration.between(clock.instant(), jvmTime));
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

    /** Frees the claims this instance held before a restart, so its unfinished contacts resume at once. */
    public int releaseOwnClaims() {
        return update("update contact_claim set claimed_until = ? where claimed_by = ? and claimed_until > ?",
                RELEASED, instanceId, RELEASED);
    }

    /** Frees a contact this instance holds, e.g. when its batch could not even be loaded. */
    public void releaseContact(Claim claim) {
        inTransaction(c -> {
            releaseClaim(c, claim);
            return true;
        });
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

    /** A retry is scheduled: record it on every event of the batch and hold the contact's claim past the wait. */
    public void recordRetry(Claim claim, List<String> ids, String reason, Integer responseCode, long delayMs) {
        recordRetry(claim, ids, reason, null, responseCode, delayMs);
    }

    /** A retry is scheduled, with why as a code. */
    public void recordRetry(Claim claim, List<String> ids, String reason, ReasonCode code, Integer responseCode,
                            long delayMs) {
        Instant now = clock.instant();
        boolean held = inTransaction(c -> {
            if (!holds(c, claim, "retry")) {
                return false;
            }
            for (String id : ids) {
                execute(c, "update consent_event set status = 'retrying', reason = ?, reason_code = ?, last_response_code = ?, "
                        + "attempts = attempts + 1, updated_at = ? where id = ?", truncate(reason), id(code), responseCode,
                        at(now), id);
            }
            execute(c, "update contact_claim set claimed_until = ? where contact_key = ? and claimed_by = ?",
                    databaseTime(c).plus(java.time.Duration.ofMillis(delayMs + leaseMs)), claim.contactKey(), instanceId);
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
        inTransaction(c -> {
            if (!holds(c, claim, "rate-limit deferral")) {
                return false;
            }
            OffsetDateTime due = onDatabaseClock(c, until);
            for (String id : ids) {
                execute(c, "update consent_event set attempts = case when attempts > 0 then attempts - 1 else 0 end, "
                        + "reason = ?, next_attempt_at = ?, updated_at = ? where id = ?", truncate(reason), due, at(now), id);
            }
            releaseClaim(c, claim);
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
        boolean held = inTransaction(c -> {
            if (!holds(c, claim, "retry")) {
                return false;
            }
            OffsetDateTime due = onDatabaseClock(c, at);
            for (String id : ids) {
                execute(c, "update consent_event set status = 'retrying', reason = ?, reason_code = ?, last_response_code = ?, "
                        + "next_attempt_at = ?, updated_at = ? where id = ?", truncate(reason), id(code), responseCode, due,
                        at(now), id);
            }
            releaseClaim(c, claim);
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
        boolean held = inTransaction(c -> {
            if (!holds(c, claim, "retry")) {
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
            releaseClaim(c, claim);
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
        inTransaction(c -> {
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
        if (inTransaction(c -> holds(c, claim, "outcomes") && writeOutcomes(c, outcomes, now))) {
            outcomes.forEach(o -> notifyOutcome(o.applied(truncate(o.reason()), now)));
        }
    }

    /** Records the batch's final outcomes and frees the contact, in one transaction, while the claim still holds. */
    public void finishBatch(Claim claim, List<EventOutcome> outcomes) {
        Instant now = clock.instant();
        boolean held = inTransaction(c -> {
            if (!holds(c, claim, "outcomes")) {
                return false;
            }
            writeOutcomes(c, outcomes, now);
            releaseClaim(c, claim);
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

    /** Ends the claim's lease; the row stays with its fence, so the next claim on the contact gets a higher one. */
    private void releaseClaim(Connection c, Claim claim) throws SQLException {
        execute(c, "update contact_claim set claimed_until = ? where contact_key = ? and claimed_by = ? and fence = ?",
                RELEASED, claim.contactKey(), instanceId, claim.fence());
    }

    /** Puts a dead or skipped event back to delivery. Returns the status it had, empty when unknown. */
    public Optional<EventStatus> replay(String id) {
        Optional<StoredEvent> event = find(id);
        event.filter(e -> e.status().isReplayable()).ifPresent(e -> update(
                "update consent_event set status = 'pending', reason = ?, reason_code = null, next_attempt_at = null, first_attempt_at = null, "
                        + "updated_at = ? where id = ? and status = ?",
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
                        + "coalesce(': ' || reason, '') from 1 for 2000), reason_code = null, next_attempt_at = null, first_attempt_at = null, "
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
            LOG.warn("cannot read outcomes back for the listeners: {}", e.toString());
        }
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
                        rs.getString("fields_written"), rs.getString("payload"), rs.getString("consent_time_note"),
                        ReasonCode.fromId(rs.getString("reason_code"))));
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

    interface Work {
        /** @return false to roll back (nothing was to be written) */
        boolean run(Connection c) throws SQLException;
    }

    /** Runs the work in one transaction; returns what the work returned (false: rolled back). */
    private boolean inTransaction(Work work) {
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
            throw unavailable("cannot update event store", e);
        }
    }

    private static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
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
