package io.consentsync.retention;

import io.consentsync.store.ContactErasure;
import io.consentsync.store.EventOutcomeListener;
import io.consentsync.store.EventStatus;
import io.consentsync.store.StoredEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * sync.erasure.on-user-deleted: a person is erased from the store once their user.deleted has been handled
 * (delivered, skipped, or ignored at intake). The work is found in the store ({@link #eraseHandledDeletions}, run by
 * the route erase-handled-deletions on a timer): nothing but the store holds it. As an outcome listener this class
 * only wakes that route up as soon as a deletion is handled, so the erasure follows within moments; the wake-up is a
 * non-blocking offer to a one-slot queue, never work done on the delivery or intake thread. While an erasure had to
 * wait for older events of the person, any final outcome wakes it too (one of them may have been the last).
 */
public class ErasureOnDeletion implements EventOutcomeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ErasureOnDeletion.class);
    static final String WAKE_UP = "seda:erase-handled-deletions-now?size=1&discardWhenFull=true";
    /** The route {@link #WAKE_UP} wakes (retention.camel.yaml). */
    static final String WAKE_UP_ROUTE = "erase-right-after-a-deletion";
    private static final Set<EventStatus> HANDLED = Set.of(EventStatus.DELIVERED, EventStatus.SKIPPED, EventStatus.IGNORED);

    private final ContactErasure erasure;
    private final boolean enabled;
    private final CamelContext context;
    private volatile ProducerTemplate wakeUp;
    private final Object templateLock = new Object();
    /** The last run left an erasure waiting (older events of the person still waited): any final outcome wakes it. */
    private volatile boolean waiting;

    public ErasureOnDeletion(ContactErasure erasure, boolean enabled, CamelContext context) {
        this.erasure = erasure;
        this.enabled = enabled;
        this.context = context;
    }

    @Override
    public void onAccepted(String type, boolean duplicate) {
        // a deletion is erased once handled, see onOutcome
    }

    @Override
    public void onOutcome(StoredEvent event) {
        boolean handledDeletion = "user.deleted".equals(event.type()) && HANDLED.contains(event.status());
        if (enabled && (handledDeletion || (waiting && event.status().isFinal()))) {
            wakeUpTemplate().send(WAKE_UP, wakeUp -> {
                // sent from no route: camel-micrometer tags an exchange's meter with its routeId only when it has
                // one, and Prometheus refuses meters of one name with different tag keys (whichever registered
                // first wins, the others are dropped with a warning). Name the route this wakes, as Camel does
                // itself from CAMEL-23719 on.
                wakeUp.getExchangeExtension().setFromRouteId(WAKE_UP_ROUTE);
                wakeUp.getMessage().setBody(event.id());
            });
        }
    }

    private ProducerTemplate wakeUpTemplate() {
        ProducerTemplate template = wakeUp;
        if (template == null) {
            synchronized (templateLock) { // not this: a sweep holds that while it runs
                if (wakeUp == null) {
                    wakeUp = context.createProducerTemplate();
                }
                template = wakeUp;
            }
        }
        return template;
    }

    /**
     * Erases the person of each handled user.deleted not erased yet (up to {@code limit}); a person still being
     * delivered, or with older events still waiting, is left for the next run. Returns how many were erased.
     */
    public synchronized int eraseHandledDeletions(int limit) {
        if (!enabled) {
            return 0;
        }
        int erased = 0;
        boolean leftWaiting = false;
        for (ContactErasure.HandledDeletion d : erasure.handledDeletions(limit)) {
            if (d.contactKey() == null) {
                erasure.eraseAnonymousDeletion(d.eventId());
                continue;
            }
            ContactErasure.Result r = erasure.erase(d.contactKey(), d.receivedAt());
            if (r.status() == ContactErasure.Status.ERASED) {
                erased++;
                LOG.info("contact erased after user.deleted (event {}): {} events, {} webhook bodies, {} field states, "
                        + "{} claims; contact {}", d.eventId(), r.events(), r.bodies(), r.fieldStates(), r.claims(),
                        ErasureApi.shortHash(r.contactHash()));
            } else {
                leftWaiting = true;
                LOG.debug("erasure after user.deleted (event {}) waits: {}", d.eventId(), r.status());
            }
        }
        waiting = leftWaiting;
        return erased;
    }
}
