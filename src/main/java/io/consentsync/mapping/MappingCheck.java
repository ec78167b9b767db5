package io.consentsync.mapping;

import io.consentsync.config.IntegrationConfig;
import io.consentsync.dotdigital.DeliveryFailure;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compares every mapping with the account's data fields once Dotdigital answers: a field that does not exist or
 * whose type can never hold what the Didomi key yields pauses delivery (events wait in the store, intake goes on)
 * and is named in the log and in health check dotdigital-mapping, never a silent drop. Metadata is typed per event,
 * so any field type may hold it (a value that does not convert fails only its own event, in DataFieldConverter).
 * With {@code properties.create_missing_data_fields} it lists the fields to create, with the type each mapping needs.
 */
public class MappingCheck {

    private static final Logger LOG = LoggerFactory.getLogger(MappingCheck.class);
    /** Dotdigital's rule for data field names (v2 data fields API). */
    private static final Pattern FIELD_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,20}");

    private final java.util.function.Supplier<IntegrationConfig> config;
    private final DataFieldCatalog catalog;
    private final Clock clock;
    private volatile List<String> problems = List.of();
    private volatile String unreachable = "not checked yet";
    private volatile Integer failureStatusCode;
    private volatile Instant checkedAt;
    private volatile Instant pausedSince;
    /** properties.lists ids the running check found missing (GET /v2/address-books/{id} answered 404). */
    private final List<Integer> listsFoundMissing = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile List<Integer> missingLists = List.of();

    public MappingCheck(java.util.function.Supplier<IntegrationConfig> config, DataFieldCatalog catalog, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** The Dotdigital type to create for a mapping: Boolean for choices, Date for timestamps, String otherwise. */
    public static String neededType(String didomiKey) {
        if (didomiKey.equals("created_at") || didomiKey.equals("updated_at")) {
            return "Date";
        }
        if (didomiKey.startsWith("consents_") && didomiKey.endsWith("_enabled") || didomiKey.endsWith("_enabled_li")) {
            return "Boolean";
        }
        return "String";
    }

    /** Whether the field type can ever hold the key's values; metadata's JSON type is only known per event. */
    static boolean canHold(String fieldType, String didomiKey) {
        boolean perEvent = didomiKey.startsWith("metadata_");
        String needed = neededType(didomiKey);
        return switch (fieldType.toLowerCase()) {
            case "string" -> true;
            case "boolean", "numeric" -> perEvent || needed.equals("Boolean");
            case "date" -> perEvent || needed.equals("Date");
            default -> false;
        };
    }

    /** Fields to create ({@code {name, type, visibility}} bodies), empty unless create_missing_data_fields is on. */
    public List<Map<String, Object>> fieldsToCreate() {
        List<Map<String, Object>> create = new ArrayList<>();
        if (!config.get().createMissingDataFields()) {
            return create;
        }
        for (IntegrationConfig.Mapping m : config.get().mappings()) {
            if (catalog.find(m.dataField()).isEmpty() && FIELD_NAME.matcher(m.dataField()).matches()) {
                Map<String, Object> field = new LinkedHashMap<>();
                field.put("name", m.dataField());
                field.put("type", neededType(m.didomiKey()));
                field.put("visibility", "Private");
                create.add(field);
            }
        }
        return create;
    }

    /**
     * The check's list step: one {@code GET /v2/address-books/{id}} URL per {@code properties.lists} entry, in order
     * ({@link #listAnswered} gets the split index back).
     */
    public List<String> listUrls() {
        listsFoundMissing.clear();
        IntegrationConfig cfg = config.get();
        return cfg.lists().stream().map(l -> cfg.baseUrl() + "/v2/address-books/" + l.id()).toList();
    }

    /** The answer to the {@code index}-th list's GET: 404 means the list does not exist. */
    public void listAnswered(int index, Integer statusCode) {
        List<IntegrationConfig.ListMapping> lists = config.get().lists();
        if (statusCode != null && statusCode == 404 && index < lists.size()) {
            listsFoundMissing.add(lists.get(index).id());
        }
    }

    /** Lists of properties.lists the last check found missing (readiness is DOWN meanwhile). */
    public List<Integer> missingLists() {
        return missingLists;
    }

    /** After the catalog was (re)loaded: record and log what is wrong with the mapping; pause or resume delivery. */
    public void evaluate() {
        List<String> found = new ArrayList<>();
        missingLists = List.copyOf(listsFoundMissing);
        missingLists.forEach(id -> found.add("list " + id + " (properties.lists) does not exist in Dotdigital"));
        for (IntegrationConfig.Mapping m : config.get().mappings()) {
            catalog.find(m.dataField()).ifPresentOrElse(field -> {
                if (!canHold(field.type(), m.didomiKey())) {
                    found.add("data field " + field.name() + " is " + field.type() + " but " + m.didomiKey()
                            + " yields " + neededType(m.didomiKey()) + " values");
                }
            }, () -> found.add(missing(m.dataField(), m.didomiKey())
                    + (FIELD_NAME.matcher(m.dataField()).matches() ? "" : " and cannot be created: names are 1-20 of [a-zA-Z0-9_-]")));
        }
        if (found.isEmpty() && problems.isEmpty() && unreachable != null) { // first answer; the end of a pause logs itself
            LOG.info("Mapping check: all {} mapped data fields exist in Dotdigital with compatible types", config.get().mappings().size());
        }
        unreachable = null;
        failureStatusCode = null;
        checkedAt = clock.instant();
        record(found);
    }

    /**
     * Delivery met mapped fields the catalog lacks before a check said so (the first check had not run, or a field
     * was deleted since): pause now, the next check confirms or ends it.
     */
    public void fieldsMissing(Map<String, String> sourceByField) {
        List<String> found = new ArrayList<>(problems);
        sourceByField.forEach((field, from) -> {
            String problem = missing(field, from);
            if (!found.contains(problem)) {
                found.add(problem);
            }
        });
        record(found);
    }

    private static String missing(String field, String from) {
        return "data field " + field + " (mapped from " + from + ") does not exist in Dotdigital";
    }

    /** One log line when the pause starts, one when it ends, one when the problems change meanwhile. */
    private synchronized void record(List<String> found) {
        boolean wasPaused = !problems.isEmpty();
        boolean changed = !found.equals(problems);
        problems = List.copyOf(found);
        if (!wasPaused && !found.isEmpty()) {
            pausedSince = clock.instant();
            LOG.error("Delivery PAUSED by the mapping check (events wait in the store, webhooks are still accepted): {}",
                    String.join("; ", found));
        } else if (wasPaused && found.isEmpty()) {
            LOG.info("Delivery RESUMED: all {} mapped data fields exist in Dotdigital with compatible types (paused since {})",
                    config.get().mappings().size(), pausedSince);
            pausedSince = null;
        } else if (changed && !found.isEmpty()) {
            LOG.error("Mapping check: delivery still paused: {}", String.join("; ", found));
        }
    }

    /** The dispatcher and the bulk import claim contacts only while this holds. True until a check found a problem. */
    public boolean allowsDelivery() {
        return problems.isEmpty();
    }

    /** True when this contact's batch must wait: the check found a problem, or the batch names a field Dotdigital lacks. */
    public boolean pausesBatch(Map<String, ?> fields, Map<String, String> sources) {
        Map<String, String> lacking = new LinkedHashMap<>();
        fields.keySet().stream().filter(WriteTargets::isDataField).filter(f -> catalog.find(f).isEmpty())
                .forEach(f -> lacking.put(f, sources == null ? f : sources.getOrDefault(f, f)));
        if (!lacking.isEmpty()) {
            fieldsMissing(lacking);
        }
        return !allowsDelivery();
    }

    /** Since when delivery is paused, null while it is not. */
    public Instant pausedSince() {
        return pausedSince;
    }

    /** The check could not reach Dotdigital (down, wrong credentials, wrong region). */
    public void recordFailure(Exchange exchange) {
        DeliveryFailure failure = DeliveryFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String reason = failure.reason();
        failureStatusCode = failure.statusCode();
        if (!reason.equals(unreachable)) {
            LOG.warn("Mapping check could not read Dotdigital's data fields: {}", reason);
        }
        unreachable = reason;
        checkedAt = clock.instant();
    }

    public List<String> problems() {
        return problems;
    }

    public String unreachable() {
        return unreachable;
    }

    /** HTTP status of the last failed read of Dotdigital, null when it answered or never did. */
    public Integer failureStatusCode() {
        return failureStatusCode;
    }

    public Instant checkedAt() {
        return checkedAt;
    }
}
