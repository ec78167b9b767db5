package io.consentsync.dotdigital;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The delivery error handler's {@code onExceptionOccurred}: tells the account pause of every failed call as it
 * happens, before any retry is decided. 401/403 pause delivery at once; transient failures count towards an outage.
 */
public class AccountFailureObserver implements Processor {

    private final AccountPause pause;

    public AccountFailureObserver(AccountPause pause) {
        this.pause = pause;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        observe(DeliveryFailure.of(error));
    }

    /** Also used where no error handler runs (the bulk import, the probe). */
    public void observe(DeliveryFailure failure) {
        Integer code = failure.statusCode();
        if (code != null && (code == 401 || code == 403)) {
            pause.credentialsRejected(code, failure.reason());
        } else if (failure.isTransient()) {
            pause.transientFailure(failure.reason());
        }
    }
}
