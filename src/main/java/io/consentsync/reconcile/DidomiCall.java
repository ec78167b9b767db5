package io.consentsync.reconcile;

/**
 * One Didomi read in progress (exchange variable {@code didomiCall}): whether the loop {@code until-didomi-answers}
 * goes round again, how long it waits first, and the retries and 401s spent so far.
 */
public class DidomiCall {

    private final String what;
    private boolean again = true;
    private long delayMs;
    private int retries;
    private int unauthorized;

    public DidomiCall(String what) {
        this.what = what;
    }

    /** What is being read, for reasons: {@code GET /consents/users}. */
    public String what() {
        return what;
    }

    public boolean isAgain() {
        return again;
    }

    public long getDelayMs() {
        return delayMs;
    }

    void answered() {
        again = false;
        delayMs = 0;
    }

    void goOn() {
        again = true;
        delayMs = 0;
    }

    void retryAfter(long ms) {
        again = true;
        delayMs = ms;
    }

    int retried() {
        return ++retries;
    }

    int unauthorized() {
        return ++unauthorized;
    }

    void authorized() {
        unauthorized = 0;
    }
}
