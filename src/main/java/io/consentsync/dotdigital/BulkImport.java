package io.consentsync.dotdigital;

import io.consentsync.delivery.FailedDeliveryRecorder;
import io.consentsync.delivery.PauseDeferral;
import io.consentsync.delivery.RateLimitDeferral;

import io.consentsync.delivery.ExchangeVariables;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentsync.config.IntegrationConfig;
import io.consentsync.delivery.ContactBatch;
import io.consentsync.delivery.ImportBatch;
import io.consentsync.delivery.StaleWriteGuard;
import io.consentsync.store.Claim;
import io.consentsync.store.EventOutcome;
import io.consentsync.store.ReasonCode;
import io.consentsync.store.EventStatus;
import io.consentsync.store.ContactClaims;
import io.consentsync.store.EventQueries;
import io.consentsync.store.EventStore;
import io.consentsync.store.StoredEvent;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bulk path for bursts in upsert mode: when many events wait, up to {@code maxContacts} contacts go to Dotdigital
 * in one {@code PUT /contacts/v3/import}, whose status is polled until it ends. Contacts the import reports as failed
 * (and not also created or updated) become dead with Dotdigital's failure codes; the rest are delivered. An import
 * that fails as a whole puts its events back to wait for a retry, as the retry schedule says.
 */
public class BulkImport {

    private static final Logger LOG = LoggerFactory.getLogger(BulkImport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final java.util.function.Supplier<IntegrationConfig> config;
    private final EventStore store;
    private final EventQueries queries;
    private final ContactClaims claims;
    private final StaleWriteGuard guard;
    private final RateLimitGate rateLimit;
    private final RateLimitDeferral deferral;
    private final FailedDeliveryRecorder failures;
    private final AccountFailureObserver accountFailures;
    private final PauseDeferral pauseDeferral;
    private final Clock clock;
    private final long minWaitingEvents;
    private final Duration maxWait;

    public BulkImport(java.util.function.Supplier<IntegrationConfig> config, EventStore store, EventQueries queries,
                      ContactClaims claims, StaleWriteGuard guard, RateLimitGate rateLimit, RateLimitDeferral deferral,
                      FailedDeliveryRecorder failures, AccountFailureObserver accountFailures,
                      PauseDeferral pauseDeferral, Clock clock, long minWaitingEvents, Duration maxWait) {
        this.config = config;
        this.store = store;
        this.queries = queries;
        this.claims = claims;
        this.guard = guard;
        this.rateLimit = rateLimit;
        this.deferral = deferral;
        this.failures = failures;
        this.accountFailures = accountFailures;
        this.pauseDeferral = pauseDeferral;
        this.clock = clock;
        this.minWaitingEvents = minWaitingEvents;
        this.maxWait = maxWait;
    }

    /** Upsert mode with a burst due now (not counting events that wait out a retry or pause): the import route takes over from single-contact writes. */
    public boolean manyWaiting() {
        return config.get().upsertMode() && minWaitingEvents > 0 && queries.countDue() >= minWaitingEvents;
    }

    /** Body: the import request for the collected contacts (variable {@code importBatch}). */
    public String request(Exchange exchange) throws IOException {
        ImportBatch batch = exchange.getVariable(ExchangeVariables.IMPORT_BATCH, ImportBatch.class);
        List<Map<String, Object>> contacts = new ArrayList<>();
        for (ImportBatch.ContactWrite c : batch.contacts()) {
            Map<String, Object> contact = new LinkedHashMap<>();
            contact.put("matchIdentifier", config.get().identifier());
            contact.put("identifiers", Map.of(config.get().identifier(), c.identifierValue()));
            // channel opt-outs and lists to join go in the item (lists to leave: listRemovalUrls, after the import);
            // an opt-in needs a lookup, so such a contact took the single path (takesSinglePath)
            contact.putAll(ContactPatchBuilder.contactParts(c.fields(), config.get(), null));
            contacts.add(contact);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mergeOption", "overwrite");
        body.put("contacts", contacts);
        exchange.setVariable(ExchangeVariables.IMPORT_STARTED_AT, clock.instant());
        return JSON.writeValueAsString(body);
    }

    /**
     * Whether this prepared contact leaves the import for the single path, which looks it up first: a deletion (never
     * creates a contact) and a channel opt-in (properties.resubscribe needs the current status). A list to leave stays
     * in the import: the DELETE uses the contact id of the import's report ({@link #listRemovalUrls}).
     */
    public boolean takesSinglePath(Exchange exchange) {
        Map<String, Object> write = exchange.getMessage().getBody(Map.class);
        return !Boolean.TRUE.equals(exchange.getVariable(ExchangeVariables.MAY_CREATE))
                || write != null && io.consentsync.mapping.WriteTargets.hasOptIn(write);
    }

    /**
     * After a finished import: one {@code DELETE /v2/address-books/{id}/contacts/{contactId}} URL per list a contact
     * leaves (properties.lists), with the contact id the report gives for it; none for a contact the import failed.
     */
    public List<String> listRemovalUrls(Exchange exchange) {
        ImportBatch batch = exchange.getVariable(ExchangeVariables.IMPORT_BATCH, ImportBatch.class);
        JsonNode report = exchange.getVariable(ExchangeVariables.IMPORT_REPORT, JsonNode.class);
        if (batch == null || report == null || !report.path("status").asText().equals("Finished")) {
            return List.of();
        }
        Map<String, Long> ids = reportedContactIds(report);
        List<String> urls = new ArrayList<>();
        for (ImportBatch.ContactWrite c : batch.contacts()) {
            Long contactId = ids.get(c.identifierValue());
            if (contactId != null) {
                ContactPatchBuilder.listRemovals(c.fields()).forEach(list ->
                        urls.add(config.get().baseUrl() + "/v2/address-books/" + list + "/contacts/" + contactId));
            }
        }
        return urls;
    }

    /** The usable contact id the report gives for each created or updated contact, by identifier. */
    private Map<String, Long> reportedContactIds(JsonNode report) {
        Map<String, Long> ids = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : List.of("created", "updated")) {
            report.path(part).forEach(c -> {
                Long contactId = ListMembership.contactId(c.path("contactId"));
                if (contactId != null) {
                    ids.put(c.path("identifiers").path(config.get().identifier()).asText(), contactId);
                }
            });
        }
        return ids;
    }

    /** After the 202: remember the import id; its status starts as NotFinished. */
    public void accepted(Exchange exchange) throws IOException {
        String id = JSON.readTree(exchange.getMessage().getBody(String.class)).path("importId").asText("");
        if (id.isEmpty()) {
            throw new IllegalStateException("Dotdigital accepted the import without an importId");
        }
        exchange.setVariable(ExchangeVariables.IMPORT_ID, id);
        exchange.setVariable(ExchangeVariables.IMPORT_STATUS, "NotFinished");
        ImportBatch batch = exchange.getVariable(ExchangeVariables.IMPORT_BATCH, ImportBatch.class);
        LOG.info("bulk import {} started: {} contacts", id, batch.size());
    }

    /** Reads a status answer: variable {@code importStatus}, and the report once it ended. */
    public void readStatus(Exchange exchange) throws IOException {
        JsonNode report = JSON.readTree(exchange.getMessage().getBody(String.class));
        String status = report.path("status").asText("");
        Instant started = exchange.getVariable(ExchangeVariables.IMPORT_STARTED_AT, Instant.class);
        if (status.equals("NotFinished") && clock.instant().isAfter(started.plus(maxWait))) {
            throw new IllegalStateException("bulk import " + exchange.getVariable(ExchangeVariables.IMPORT_ID) + " still NotFinished after "
                    + maxWait.toMinutes() + " minutes");
        }
        exchange.setVariable(ExchangeVariables.IMPORT_STATUS, status);
        exchange.setVariable(ExchangeVariables.IMPORT_REPORT, report);
    }

    /** The import ended: each contact's events are delivered, or dead with the failure Dotdigital reported. */
    public void recordOutcomes(Exchange exchange) {
        ImportBatch batch = exchange.getVariable(ExchangeVariables.IMPORT_BATCH, ImportBatch.class);
        JsonNode report = exchange.getVariable(ExchangeVariables.IMPORT_REPORT, JsonNode.class);
        String id = exchange.getVariable(ExchangeVariables.IMPORT_ID, String.class);
        String status = report.path("status").asText();
        if (!status.equals("Finished")) {
            throw new IllegalStateException("bulk import " + id + " ended " + status);
        }
        Set<String> written = identifiers(report.path("created"));
        written.addAll(identifiers(report.path("updated")));
        Map<String, String> failures = failures(report.path("failures"));
        Map<String, Long> contactIds = reportedContactIds(report);
        int delivered = 0;
        int dead = 0;
        for (ImportBatch.ContactWrite c : batch.contacts()) {
            String failure = failures.get(c.identifierValue());
            if (failure != null && !written.contains(c.identifierValue())) {
                store.finishBatch(c.batch().claim(), c.batch().allOutcomes(EventStatus.DEAD, ReasonCode.IMPORT_REJECTED,
                        "bulk import " + id + " did not import the contact: " + failure, null));
                dead++;
                continue;
            }
            List<Integer> listsToLeave = ContactPatchBuilder.listRemovals(c.fields());
            if (!listsToLeave.isEmpty() && !contactIds.containsKey(c.identifierValue())) {
                // written, but no list can be left without the contact's id: never silently left on a list it was
                // withdrawn from. The values written are recorded; the event is dead, and a replay tries again
                Map<String, Object> valuesWritten = new LinkedHashMap<>(c.fields());
                valuesWritten.keySet().removeIf(io.consentsync.mapping.WriteTargets::isList);
                guard.record(c.batch(), valuesWritten);
                store.finishBatch(c.batch().claim(), c.batch().allOutcomes(EventStatus.DEAD, ReasonCode.NO_CONTACT_ID,
                        "bulk import " + id + " wrote the contact, but its report gave no usable contactId, so it was not"
                                + " removed from list(s) " + listsToLeave + "; replay the event to try again", null));
                dead++;
                continue;
            }
            guard.record(c.batch(), c.fields());
            String how = "written by bulk import " + id + (failure == null ? "" : " (reported: " + failure + ")");
            store.finishBatch(c.batch().claim(), c.batch().outcomesAfterWrite(c.fields(), 202, how, ReasonCode.BULK_IMPORT));
            delivered++;
        }
        LOG.info("bulk import {} finished: {} contacts delivered, {} dead", id, delivered, dead);
    }

    /**
     * The import as a whole failed (refused, 5xx, timeout, ended Failed): every contact's events wait again, for
     * the retry schedule's delay, or become dead once their retries are spent. A 429 pauses the client instead.
     */
    public void failed(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ImportBatch batch = exchange.getVariable(ExchangeVariables.IMPORT_BATCH, ImportBatch.class);
        if (batch == null) { // failed while preparing: free what was claimed, it is retried at the next poll
            List<Claim> claimed = exchange.getVariable(ExchangeVariables.CLAIMED_CONTACTS, List.class);
            if (claimed != null) {
                claimed.forEach(claims::releaseContact);
            }
            LOG.warn("bulk import preparation failed: {}", io.consentsync.observe.OutcomeLog.mask(DeliveryFailure.of(error).reason()));
            return;
        }
        HttpOperationFailedException http = error instanceof HttpOperationFailedException h ? h : null;
        if (http != null && http.getStatusCode() == 429) {
            Instant until = rateLimit.onTooManyRequests(http);
            batch.contacts().forEach(c -> deferral.defer(c.batch(), until));
            return;
        }
        DeliveryFailure failure = DeliveryFailure.of(error);
        LOG.warn("bulk import of {} contacts failed: {}", batch.size(), io.consentsync.observe.OutcomeLog.mask(failure.reason()));
        accountFailures.observe(failure);
        Integer code = failure.statusCode();
        if (code != null && (code == 401 || code == 403)) { // the account's problem: no event spends a retry
            batch.contacts().forEach(c -> pauseDeferral.defer(c.batch(), failure.reason()));
            return;
        }
        batch.contacts().forEach(c -> failures.afterFailure(c.batch(), failure));
    }

    private Set<String> identifiers(JsonNode contacts) {
        Set<String> ids = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        contacts.forEach(c -> ids.add(c.path("identifiers").path(config.get().identifier()).asText()));
        return ids;
    }

    private Map<String, String> failures(JsonNode failures) {
        Map<String, String> byIdentifier = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        failures.forEach(f -> {
            List<String> codes = new ArrayList<>();
            f.path("failures").forEach(x -> codes.add(x.path("failureCode").asText().toLowerCase(Locale.ROOT)
                    + " - " + x.path("description").asText()));
            byIdentifier.put(f.path("identifiers").path(config.get().identifier()).asText(), String.join("; ", codes));
        });
        return byIdentifier;
    }
}
