package io.consentsync.monitoring;

import io.consentsync.dotdigital.AccountPause;
import io.consentsync.dotdigital.RateLimitGate;
import io.consentsync.mapping.MappingCheck;
import io.consentsync.store.EventQueries;
import io.consentsync.store.EventStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connector's figures as the consent-sync console and the JMX MBean show them, read from the store and the pause
 * holders each time (nothing cached here): counts per status, the waiting events, the pauses in force (named as the
 * {@code consent_sync_delivery_paused} metric's {@code reason} label) and the claims this instance holds.
 */
public class ConnectorState {

    private final EventQueries queries;
    private final DataSource dataSource;
    private final String instanceId;
    private final MappingCheck mapping;
    private final RateLimitGate rateLimit;
    private final AccountPause accountPause;

    public ConnectorState(EventQueries queries, DataSource dataSource, String instanceId, MappingCheck mapping,
                          RateLimitGate rateLimit, AccountPause accountPause) {
        this.queries = queries;
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.mapping = mapping;
        this.rateLimit = rateLimit;
        this.accountPause = accountPause;
    }

    public String instanceId() {
        return instanceId;
    }

    /** Every status, zero included, by its id (pending, retrying, delivered, ...). */
    public Map<String, Long> countsByStatus() {
        Map<EventStatus, Long> found = queries.countByStatus();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (EventStatus s : EventStatus.values()) {
            counts.put(s.id(), found.getOrDefault(s, 0L));
        }
        return counts;
    }

    public EventQueries.WaitingSummary waiting() {
        return queries.waitingSummary();
    }

    public long dead() {
        return queries.countByStatus().getOrDefault(EventStatus.DEAD, 0L);
    }

    /** The reasons delivery is paused for now: mapping, rate_limit, outage, credentials (the metric's labels). */
    public List<String> pausedReasons() {
        List<String> reasons = new ArrayList<>();
        if (!mapping.allowsDelivery()) {
            reasons.add("mapping");
        }
        if (!rateLimit.isOpen()) {
            reasons.add("rate_limit");
        }
        if (accountPause.isPausedFor(AccountPause.OUTAGE)) {
            reasons.add(AccountPause.OUTAGE);
        }
        if (accountPause.isPausedFor(AccountPause.CREDENTIALS)) {
            reasons.add(AccountPause.CREDENTIALS);
        }
        return reasons;
    }

    /** Live claims on contacts this instance holds (contacts being delivered or waiting for a quick retry). */
    public long claimsHeld() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from contact_claim where claimed_by = ? "
                     + "and claimed_until >= current_timestamp")) {
            ps.setString(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count claims: " + e.getMessage(), e);
        }
    }

    public MappingCheck mapping() {
        return mapping;
    }

    public RateLimitGate rateLimit() {
        return rateLimit;
    }

    public AccountPause accountPause() {
        return accountPause;
    }
}
