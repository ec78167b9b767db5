package io.consentsync.monitoring;

/**
 * The connector's own counters over JMX (with {@code camel.main.jmx-enabled=true}), as
 * {@code io.consentsync:type=ConsentSync}: what {@code consent_sync_events_waiting},
 * {@code consent_sync_event_outcomes_total{status="dead"}} and {@code consent_sync_delivery_paused} show on
 * /observe/metrics, read from the store when asked.
 */
public interface ConsentSyncMBean {

    /** Events pending or retrying. */
    long getWaitingEvents();

    /** Dead events in the store. */
    long getDeadEvents();

    /** True while any reason pauses delivery. */
    boolean isPaused();

    /** The reasons delivery is paused for: mapping, rate_limit, outage, credentials. */
    String[] getPausedReasons();

    /** Live claims on contacts held by this instance. */
    long getClaimsHeld();
}
