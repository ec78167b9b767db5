package io.consentsync.delivery;

import io.consentsync.dotdigital.DeliveryFailure;

import io.consentsync.store.Claim;
import io.consentsync.store.EventStatus;
import io.consentsync.store.ContactClaims;
import io.consentsync.store.EventStore;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.consentsync.config.RetrySchedule;

import java.time.Clock;
import java.time.Duration;

/**
 * Dead-letter step of the delivery route, and what a failed bulk import does per contact. A transient failure (5xx,
 * 408, no connection, no answer in time) never makes an event dead while the give-up horizon is ahead: with quick
 * retries left (the retry could not wait in memory, or delivery is paused) the batch waits in the store for the
 * schedule's next delay; once they are spent it is parked there with a growing delay
 * ({@code sync.retry.park-max-delay-ms} at most) and is dead only when {@code sync.retry.give-up-after-ms} has passed
 * since its first attempt. A permanent failure makes each event {@code dead} at once with Dotdigital's status code and
 * error text; replay brings it back.
 */
public class FailedDeliveryRecorder implements Processor {

    private final EventStore store;
    private final ContactClaims claims;
    private final RetrySchedule schedule;
    private final Duration parkMax;
    private final Duration giveUpAfter;
    private final Clock clock;

    public FailedDeliveryRecorder(EventStore store, ContactClaims claims, RetrySchedule schedule, Duration parkMax,
                                  Duration giveUpAfter, Clock clock) {
        this.store = store;
        this.claims = claims;
        this.schedule = schedule;
        this.parkMax = parkMax;
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        if (batch == null) {
            // the batch could not be loaded (the store failed): its events still wait, free the contact for later
            claims.releaseContact(exchange.getVariable(ExchangeVariables.CLAIM, Claim.class));
            return;
        }
        // logged by the store's outcome log
        afterFailure(batch, DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
    }

    private static String span(long ms) {
        return ms < 1000 ? ms + " ms" : ms / 1000 + " s";
    }

    public void afterFailure(ContactBatch batch, DeliveryFailure failure) {
        if (!failure.isTransient()) {
            store.finishBatch(batch.claim(), batch.allOutcomes(EventStatus.DEAD, failure.code(), failure.reason(),
                    failure.statusCode()));
            return;
        }
        int attempts = batch.attemptsMade();
        if (attempts <= schedule.maxRedeliveries()) {
            long delay = schedule.delayBefore(attempts);
            store.retryLater(batch.claim(), batch.openIds(), clock.instant().plusMillis(delay),
                    failure.reason() + " (the retry waits in the store: next attempt in " + span(delay) + ")",
                    failure.code(), failure.statusCode());
        } else {
            long delay = schedule.parkDelay(attempts, parkMax.toMillis());
            store.park(batch.claim(), batch.openIds(), clock.instant().plusMillis(delay), giveUpAfter,
                    failure.reason() + " (quick retries spent: waits in the store, next attempt in " + span(delay) + ")",
                    failure.code(), failure.statusCode());
        }
    }
}
