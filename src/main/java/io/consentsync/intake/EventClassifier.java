package io.consentsync.intake;

import io.consentsync.http.RejectedRequestException;
import io.consentsync.config.IntegrationConfig;
import io.consentsync.didomi.DidomiEvent;
import io.consentsync.store.EventStatus;
import io.consentsync.store.NewEvent;
import io.consentsync.store.ReasonCode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Decides at intake whether an event is for delivery ({@code pending}) or only recorded ({@code ignored}, with why).
 */
public class EventClassifier implements Processor {

    private final java.util.function.Supplier<IntegrationConfig> config;

    public EventClassifier(java.util.function.Supplier<IntegrationConfig> config) {
        this.config = config;
    }

    @Override
    public void process(Exchange exchange) {
        DidomiEvent event = exchange.getMessage().getBody(DidomiEvent.class);
        Ignored ignored = ignored(event);
        String contactKey = config.get().contactKey(event.organizationUserId());
        // lower-casing may lengthen a few characters; the store's column holds 512 (UTF-16 units, as H2 counts)
        if (contactKey != null && contactKey.length() > 512) {
            String field = (event.isUserEvent() ? event.entityPath() : event.entityPath() + ".user") + ".organization_user_id";
            throw new RejectedRequestException(400, "invalid_event", field, "organization_user_id is longer than 512 characters");
        }
        exchange.getMessage().setBody(new NewEvent(event.dedupKey(), event.type(), event.organizationUserId(),
                contactKey, event.regulation(), event.consentTime(), event.consentVersion(),
                event.envelope().toString(), ignored == null ? EventStatus.PENDING : EventStatus.IGNORED,
                ignored == null ? null : ignored.reason(), ignored == null ? null : ignored.code()));
    }

    /** Why intake only records an event, with its code; null when it is for delivery. */
    Ignored ignored(DidomiEvent event) {
        if (!event.isKnownType()) {
            return new Ignored(ReasonCode.UNSUPPORTED_TYPE, "unsupported event type " + event.type());
        }
        if (event.type().equals("event.deleted")) {
            return new Ignored(ReasonCode.DELETION, "event.deleted is recorded only: Didomi recomputes the user from the "
                    + "remaining events and sends user.updated");
        }
        if (event.type().equals("user.deleted") && config.get().onUserDeleted() == IntegrationConfig.OnUserDeleted.IGNORE) {
            return new Ignored(ReasonCode.DELETION, "user.deleted is recorded only (properties.on_user_deleted is ignore)");
        }
        if (!config.get().regulations().contains(event.regulation())) {
            return new Ignored(ReasonCode.REGULATION, "regulation " + event.regulation() + " is not in properties.regulations "
                    + config.get().regulations());
        }
        if ("pending_approval".equals(event.consentStatus())) {
            return new Ignored(ReasonCode.PENDING_APPROVAL, "consent event is pending_approval");
        }
        if (event.organizationUserId() == null || event.organizationUserId().isBlank()) {
            return new Ignored(ReasonCode.NO_CONTACT_KEY, "no organization_user_id: the Didomi user is not linked to a contact");
        }
        return null;
    }

    /** An ignored event's reason: the sentence for people, the code for the metric label. */
    record Ignored(ReasonCode code, String reason) {
    }
}
