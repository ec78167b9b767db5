package io.consentsync.monitoring;

/** The standard MBean behind {@link ConsentSyncMBean}. */
public class ConsentSync implements ConsentSyncMBean {

    private final ConnectorState state;

    public ConsentSync(ConnectorState state) {
        this.state = state;
    }

    @Override
    public long getWaitingEvents() {
        return state.waiting().count();
    }

    @Override
    public long getDeadEvents() {
        return state.dead();
    }

    @Override
    public boolean isPaused() {
        return !state.pausedReasons().isEmpty();
    }

    @Override
    public String[] getPausedReasons() {
        return state.pausedReasons().toArray(String[]::new);
    }

    @Override
    public long getClaimsHeld() {
        return state.claimsHeld();
    }
}
