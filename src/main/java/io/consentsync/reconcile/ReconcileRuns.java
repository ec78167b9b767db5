package io.consentsync.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.http.RejectedRequestException;
import io.consentsync.store.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.consentsync.store.Jdbc.at;
import static io.consentsync.store.Jdbc.bind;
import static io.consentsync.store.Jdbc.unavailable;

/**
 * Reconcile runs in the store (tables {@code reconcile_run}, {@code reconcile_lock}, {@code reconcile_change}): one run
 * at a time across every instance sharing the store (the run holds the lock row), its counts saved after each page,
 * what it found kept for {@code GET /admin/reconcile/{id}/changes}. A run whose instance restarted is marked failed at
 * startup; one whose heartbeat stopped for {@code sync.reconcile.stale-after-ms} (its instance is gone) gives the lock
 * up to the next run, marked failed too.
 */
public class ReconcileRuns {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileRuns.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCK = "reconcile";
    private static final int RUNS_WITH_CHANGES_KEPT = 10;
    private static final String COLUMNS = "id, status, dry_run, users_read, users_skipped, contacts_in_sync, "
            + "contacts_changed, started_at, finished_at, reason";

    private final DataSource dataSource;
    private final String instanceId;
    private final Duration staleAfter;
    private final Clock clock;

    public ReconcileRuns(DataSource dataSource, String instanceId, Duration staleAfter, Clock clock) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** Starts a run (status running, holding the lock); 409 naming the run that goes on. */
    public ReconcileRun open(boolean dryRun, boolean force, String organizationUserId) {
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                giveUpStaleRun(c, now);
                try (PreparedStatement ps = c.prepareStatement("insert into reconcile_run (id, status, dry_run, "
                        + "force_all, organization_user_id, started_at, heartbeat_at, instance_id) "
                        + "values (?, 'running', ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, id);
                    ps.setBoolean(2, dryRun);
                    ps.setBoolean(3, force);
                    ps.setString(4, organizationUserId);
                    ps.setObject(5, at(now));
                    ps.setObject(6, at(now));
                    ps.setString(7, instanceId);
                    ps.executeUpdate();
                }
                java.sql.Savepoint beforeLock = c.setSavepoint();
                try (PreparedStatement ps = c.prepareStatement("insert into reconcile_lock (name, run_id) values (?, ?)")) {
                    ps.setString(1, LOCK);
                    ps.setString(2, id);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    c.rollback(beforeLock);
                    if (!"23505".equals(e.getSQLState())) {
                        throw e;
                    }
                    c.rollback();
                    String running = lockHolder(c);
                    throw new RejectedRequestException(409, "reconcile_running", "id",
                            "reconcile run " + running + " is running; wait for it to finish (GET /admin/reconcile/"
                                    + running + ")");
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            pruneOldChanges(c);
        } catch (SQLException e) {
            throw unavailable("cannot start a reconcile run", e);
        }
        return new ReconcileRun(id, dryRun, force, organizationUserId);
    }

    /** The id of the run holding the lock, if any. */
    public Optional<String> running() {
        try (Connection c = dataSource.getConnection()) {
            return Optional.ofNullable(lockHolder(c));
        } catch (SQLException e) {
            throw unavailable("cannot read reconcile runs", e);
        }
    }

    /** The counts so far, and the heartbeat; false when the run is no longer running here (given up as stale). */
    public boolean saveProgress(ReconcileRun run) {
        return update("update reconcile_run set users_read = ?, users_skipped = ?, contacts_in_sync = ?, "
                + "contacts_changed = ?, next_skip = ?, heartbeat_at = ? where id = ? and status = 'running'",
                run.usersRead, run.usersSkipped, run.contactsInSync, run.contactsChanged, run.skip(), at(clock.instant()),
                run.id()) == 1;
    }

    public void finish(ReconcileRun run) {
        end(run, "finished", null);
        LOG.info("Reconcile run {} finished{}: {} users read, {} skipped (no organization_user_id), {} contacts in sync, "
                + "{} changed", run.id(), run.dryRun() ? " (dry run)" : "", run.usersRead, run.usersSkipped,
                run.contactsInSync, run.contactsChanged);
    }

    public void fail(ReconcileRun run, String reason) {
        end(run, "failed", reason);
        LOG.warn("Reconcile run {} failed: {}", run.id(), reason);
    }

    private void end(ReconcileRun run, String status, String reason) {
        Jdbc.inTransaction(dataSource, "cannot record the end of a reconcile run", c -> {
            Jdbc.execute(c, "update reconcile_run set status = ?, reason = ?, finished_at = ?, users_read = ?, "
                    + "users_skipped = ?, contacts_in_sync = ?, contacts_changed = ? where id = ? and status = 'running'",
                    status, truncate(reason), at(clock.instant()), run.usersRead, run.usersSkipped,
                    run.contactsInSync, run.contactsChanged, run.id());
            Jdbc.execute(c, "delete from reconcile_lock where run_id = ?", run.id());
            return true;
        });
    }

    /** At startup: this instance's runs still marked running were cut off by the restart. */
    public int failInterrupted() {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select id from reconcile_run where status = 'running' and instance_id = ?")) {
            ps.setString(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw unavailable("cannot read reconcile runs", e);
        }
        for (String id : ids) {
            update("update reconcile_run set status = 'failed', finished_at = ?, reason = ? where id = ? and status = 'running'",
                    at(clock.instant()), "interrupted: the connector stopped during the run (instance " + instanceId + ")", id);
            update("delete from reconcile_lock where run_id = ?", id);
            LOG.warn("Reconcile run {} was interrupted by a restart: marked failed", id);
        }
        return ids.size();
    }

    /** Keeps what a run found changed, one row per contact, numbered from {@code firstSeq}. */
    public void recordChanges(String runId, long firstSeq, List<Map.Entry<String, Map<String, Map<String, Object>>>> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into reconcile_change (run_id, seq, organization_user_id, "
                     + "data_fields) values (?, ?, ?, ?)")) {
            long seq = firstSeq;
            for (Map.Entry<String, Map<String, Map<String, Object>>> change : changes) {
                ps.setString(1, runId);
                ps.setLong(2, seq++);
                ps.setString(3, change.getKey());
                ps.setString(4, JSON.writeValueAsString(change.getValue()));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw unavailable("cannot record reconcile changes", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The admin view of a run, exactly the keys of {@code GET /admin/reconcile/{id}}. */
    public Optional<Map<String, Object>> view(String id) {
        return queryRuns("select " + COLUMNS + " from reconcile_run where id = ?", id).stream().findFirst();
    }

    /** The newest run, for the status page. */
    public Optional<Map<String, Object>> lastRun() {
        return queryRuns("select " + COLUMNS + " from reconcile_run order by started_at desc fetch first 1 rows only")
                .stream().findFirst();
    }

    /** When the last real (not dry) run finished; null when none has. */
    public Instant lastSuccess() {
        return instant("select max(finished_at) from reconcile_run where status = 'finished' and dry_run = false");
    }

    /** When the newest run started (any status); null when none has. */
    public Instant lastStarted() {
        return instant("select max(started_at) from reconcile_run");
    }

    /** What a run found: {@code [{"organizationUserId", "dataFields": {"FIELD": {"from", "to"}}}]}, in order. */
    public List<Map<String, Object>> changes(String runId, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select organization_user_id, data_fields from reconcile_change "
                     + "where run_id = ? order by seq fetch first " + limit + " rows only")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> change = new LinkedHashMap<>();
                    change.put("organizationUserId", rs.getString(1));
                    change.put("dataFields", JSON.readTree(rs.getString(2)));
                    out.add(change);
                }
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("cannot read reconcile changes", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void giveUpStaleRun(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select r.id, r.heartbeat_at, r.status from reconcile_lock l "
                + "join reconcile_run r on r.id = l.run_id where l.name = ?")) {
            ps.setString(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                String id = rs.getString(1);
                Instant heartbeat = rs.getObject(2, OffsetDateTime.class).toInstant();
                boolean running = "running".equals(rs.getString(3));
                if (running && heartbeat.plus(staleAfter).isAfter(now)) {
                    return;
                }
                try (PreparedStatement fail = c.prepareStatement("update reconcile_run set status = 'failed', "
                        + "finished_at = ?, reason = ? where id = ? and status = 'running'");
                     PreparedStatement unlock = c.prepareStatement("delete from reconcile_lock where run_id = ?")) {
                    bind(fail, at(now), "no progress since " + heartbeat + ": its instance stopped or its Didomi call hangs (given up after "
                            + "sync.reconcile.stale-after-ms)", id);
                    fail.executeUpdate();
                    unlock.setString(1, id);
                    unlock.executeUpdate();
                }
            }
        }
    }

    private String lockHolder(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select run_id from reconcile_lock where name = ?")) {
            ps.setString(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void pruneOldChanges(Connection c) throws SQLException {
        List<String> old = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from reconcile_run order by started_at desc");
             ResultSet rs = ps.executeQuery()) {
            int n = 0;
            while (rs.next()) {
                if (++n > RUNS_WITH_CHANGES_KEPT) {
                    old.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("delete from reconcile_change where run_id = ?")) {
            for (String id : old) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        }
    }

    private List<Map<String, Object>> queryRuns(String sql, Object... args) {
        List<Map<String, Object>> runs = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("id", rs.getString(1));
                    v.put("status", rs.getString(2));
                    v.put("dryRun", rs.getBoolean(3));
                    v.put("usersRead", rs.getLong(4));
                    v.put("usersSkipped", rs.getLong(5));
                    v.put("contactsInSync", rs.getLong(6));
                    v.put("contactsChanged", rs.getLong(7));
                    v.put("startedAt", text(rs.getObject(8, OffsetDateTime.class)));
                    v.put("finishedAt", text(rs.getObject(9, OffsetDateTime.class)));
                    v.put("reason", rs.getString(10));
                    runs.add(v);
                }
            }
            return runs;
        } catch (SQLException e) {
            throw unavailable("cannot read reconcile runs", e);
        }
    }

    private Instant instant(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            OffsetDateTime t = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
            return t == null ? null : t.toInstant();
        } catch (SQLException e) {
            throw unavailable("cannot read reconcile runs", e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("cannot record a reconcile run", e);
        }
    }

    private static String text(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1997) + "...";
    }
}
