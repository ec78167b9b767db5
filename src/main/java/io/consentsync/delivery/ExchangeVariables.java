package io.consentsync.delivery;

/**
 * The exchange variables the delivery routes (routes/*.camel.yaml) and the Java beans share: the YAML names them as
 * {@code ${variable.<name>}} and {@code setVariable: name:}, the beans through these constants. Who sets and who reads
 * each one: routes/README.md, "Exchange variables". Renaming one means renaming it in the YAML too.
 */
public final class ExchangeVariables {

    private ExchangeVariables() {
    }

    // one contact's delivery (deliver-to-dotdigital, map-contact-events, convert-contact-write)
    /** {@code Claim}: the contact claimed from the store; set from the body by deliver-to-dotdigital / the split. */
    public static final String CLAIM = "claim";
    /** {@code ContactBatch}: the contact's events and which value came from which; set by consentMapper. */
    public static final String BATCH = "batch";
    /** {@code String}: the Dotdigital identifier (email, mobileNumber, ...); set by consentMapper. */
    public static final String IDENTIFIER_TYPE = "identifierType";
    /** {@code String}: the contact's identifier value as Didomi sent it; set by consentMapper. */
    public static final String IDENTIFIER_VALUE = "identifierValue";
    /** {@code String}: the identifier value percent-encoded as one URL path segment; set by consentMapper. */
    public static final String IDENTIFIER_PATH = "identifierPath";
    /** {@code Boolean}: GET the contact before writing (upsert_mode false, or a deletion); set by consentMapper. */
    public static final String LOOKUP_REQUIRED = "lookupRequired";
    /** {@code Map<data field, Didomi key>}: where each written field comes from; set by consentMapper. */
    public static final String MAPPING_SOURCES = "mappingSources";
    /** {@code String}: GET /v2/data-fields answer (JSON text); set by refresh-data-field-catalog. */
    public static final String DATA_FIELDS_JSON = "dataFieldsJson";
    /** {@code Boolean}: the contact was found by the lookup (2xx); set by contactLookupStrategy. */
    public static final String CONTACT_FOUND = "contactFound";
    /** {@code String}: the contact's status in Dotdigital (subscribed, deleted, binned, ...); set by contactLookupStrategy. */
    public static final String CONTACT_STATUS = "contactStatus";
    /** {@code Integer}: the lookup's HTTP status code; set by contactLookupStrategy. */
    public static final String LOOKUP_STATUS_CODE = "lookupStatusCode";
    /** {@code Map<data field, value>}: the contact's data fields in Dotdigital; set by contactLookupStrategy. */
    public static final String CURRENT_DATA_FIELDS = "currentDataFields";
    /** {@code Map<data field, value>}: what was (or already is) written; set by contactPatchBuilder or the route. */
    public static final String DATA_FIELDS_WRITTEN = "dataFieldsWritten";

    // channels and lists (properties.channels, properties.lists, properties.resubscribe)
    /** {@code Boolean}: upsert mode and no deletion, so a contact the lookup did not find is created; set by consentMapper. */
    public static final String MAY_CREATE = "mayCreate";
    /** {@code Long}: the contact's Dotdigital id, from the lookup or the PATCH answer; set by contactLookupStrategy / listMembership. */
    public static final String CONTACT_ID = "contactId";
    /** {@code Map<channel, status>}: the contact's channel statuses in Dotdigital; set by contactLookupStrategy. */
    public static final String CURRENT_CHANNELS = "currentChannels";
    /** {@code Set<Integer>}: the lists the contact is on in Dotdigital; set by contactLookupStrategy. */
    public static final String CURRENT_LISTS = "currentLists";
    /** {@code String}: email resubscribeOptions to send (with_challenge / without_challenge), or null; set by resubscribePolicy. */
    public static final String RESUBSCRIBE = "resubscribe";
    /** {@code List<Integer>}: lists to remove the contact from after the PATCH; set by contactPatchBuilder. */
    public static final String LIST_REMOVALS = "listRemovals";

    // the bulk import (import-waiting-contacts)
    /** {@code List<Claim>}: the contacts claimed for one import; set by import-waiting-contacts. */
    public static final String CLAIMED_CONTACTS = "claimedContacts";
    /** {@code Boolean}: this contact's preparation reached its end; set by the split, read by importBatchCollector. */
    public static final String READY_TO_IMPORT = "readyToImport";
    /** {@code ImportBatch}: the prepared contacts of one import; set by import-waiting-contacts. */
    public static final String IMPORT_BATCH = "importBatch";
    /** {@code Instant}: when the import request was built; set by bulkImport.request. */
    public static final String IMPORT_STARTED_AT = "importStartedAt";
    /** {@code String}: Dotdigital's import id; set by bulkImport.accepted. */
    public static final String IMPORT_ID = "importId";
    /** {@code String}: the import's status (NotFinished, Finished, ...); set by bulkImport.accepted / readStatus. */
    public static final String IMPORT_STATUS = "importStatus";
    /** {@code JsonNode}: the import's final report; set by bulkImport.readStatus. */
    public static final String IMPORT_REPORT = "importReport";

    // reconcile runs (reconcile.camel.yaml)
    /** {@code ReconcileRun}: the run in progress, its page position and counts; set by reconcile-with-didomi. */
    public static final String RECONCILE_RUN = "reconcileRun";
    /** {@code DidomiCall}: one Didomi read, retried until answered; set by read-didomi-users-page. */
    public static final String DIDOMI_CALL = "didomiCall";
}
