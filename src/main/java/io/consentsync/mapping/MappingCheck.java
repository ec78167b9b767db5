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
 * whose type cannot hold what the Didomi key yields is an error in the log and in readiness, never a silent drop.
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

    public MappingCheck(java.util.function.Supplier<IntegrationConfig> config, DataFieldCatalog catalog, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** The Dotdigital type a mapping's values need: Boolean for choices, Date for timestamps, String otherwise. */
    public static String neededType(String didomiKey) {
        if (didomiKey.equals("created_at") || didomiKey.equals("updated_at")) {
            return "Date";
        }
        if (didomiKey.startsWith("consents_") && didomiKey.endsWith("_enabled") || didomiKey.endsWith("_enabled_li")) {
            return "Boolean";
        }
        return "String";
    }

    static boolean canHold(String fieldType, String neededType) {
        return switch (fieldType.toLowerCase()) {
            case "string" -> true;
            case "boolean", "numeric" -> neededType.equals("Boolean");
            case "date" -> neededType.equals("Date");
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

    /** After the catalog was (re)loaded: record and log what is wrong with the mapping. */
    public void evaluate() {
        List<String> found = new ArrayList<>();
        for (IntegrationConfig.Mapping m : config.get().mappings()) {
            String needed = neededType(m.didomiKey());
            catalog.find(m.dataField()).ifPresentOrElse(field -> {
                if (!canHold(field.type(), needed)) {
                    found.add("data field " + field.name() + " is " + field.type() + " but " + m.didomiKey()
                            + " yields " + needed + " values");
                }
            }, () -> found.add("data field " + m.dataField() + " (mapped from " + m.didomiKey() + ") does not exist in Dotdigital"
                    + (FIELD_NAME.matcher(m.dataField()).matches() ? "" : " and cannot be created: names are 1-20 of [a-zA-Z0-9_-]")));
        }
        if (!found.equals(problems) || unreachable != null) {
            if (found.isEmpty()) {
                LOG.info("Mapping check: all {} mapped data fields exist in Dotdigital with compatible types", config.get().mappings().size());
            } else {
                found.forEach(p -> LOG.error("Mapping check: {}", p));
            }
        }
        problems = List.copyOf(found);
        unreachable = null;
        failureStatusCode = null;
        checkedAt = clock.instant();
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
