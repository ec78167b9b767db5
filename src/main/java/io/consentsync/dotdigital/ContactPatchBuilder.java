package io.consentsync.dotdigital;

import io.consentsync.config.IntegrationConfig;
import io.consentsync.delivery.ExchangeVariables;
import io.consentsync.mapping.WriteTargets;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the body of {@code PATCH /contacts/v3/{identifier}/{value}} from the contact's write: {@code identifiers},
 * the converted {@code dataFields}, and only for targets of {@code properties.channels} / {@code properties.lists}:
 * {@code channelProperties.<channel>.status} (with the email {@code optInType} on an opt-in, and
 * {@code resubscribeOptions} when properties.resubscribe allowed resubscribing, variable {@code resubscribe}) and
 * {@code lists} to join. A data-field mapping never sets a channel status. Lists to leave go in variable
 * {@code listRemovals}: v3 has no removal, {@code leave-dotdigital-lists} sends one v2 DELETE each after the PATCH.
 */
public class ContactPatchBuilder implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<IntegrationConfig> config;

    public ContactPatchBuilder(Supplier<IntegrationConfig> config) {
        this.config = config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> write = exchange.getMessage().getMandatoryBody(Map.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifiers", Map.of(exchange.getVariable(ExchangeVariables.IDENTIFIER_TYPE, String.class),
                exchange.getVariable(ExchangeVariables.IDENTIFIER_VALUE, String.class)));
        body.putAll(contactParts(write, config.get(), exchange.getVariable(ExchangeVariables.RESUBSCRIBE, String.class)));
        exchange.setVariable(ExchangeVariables.LIST_REMOVALS, listRemovals(write));
        exchange.setVariable(ExchangeVariables.DATA_FIELDS_WRITTEN, write);
        exchange.getMessage().setBody(JSON.writeValueAsString(body));
    }

    /**
     * The v3 contact parts of a write (PATCH body or import item, without identifiers): {@code dataFields} (always,
     * as before channels existed), {@code channelProperties} and {@code lists} when the write sets any.
     * {@code resubscribe} is null, {@code with_challenge} or {@code without_challenge}.
     */
    public static Map<String, Object> contactParts(Map<String, Object> write, IntegrationConfig cfg, String resubscribe) {
        Map<String, Object> dataFields = new LinkedHashMap<>();
        Map<String, Object> channels = new LinkedHashMap<>();
        List<Integer> join = new ArrayList<>();
        write.forEach((target, value) -> {
            if (WriteTargets.isChannel(target)) {
                String name = WriteTargets.channelName(target);
                Map<String, Object> channel = new LinkedHashMap<>();
                channel.put("status", value);
                if (WriteTargets.SUBSCRIBED.equals(value) && name.equals("email")) {
                    channel.put("optInType", optInType(cfg, name));
                    if (resubscribe != null) {
                        channel.put("resubscribeOptions", Map.of("resubscribeWithNoChallenge",
                                resubscribe.equals("without_challenge")));
                    }
                }
                channels.put(name, channel);
            } else if (WriteTargets.isList(target)) {
                if (WriteTargets.ADDED.equals(value)) {
                    join.add(WriteTargets.listId(target));
                }
            } else {
                dataFields.put(target, value);
            }
        });
        Map<String, Object> parts = new LinkedHashMap<>();
        if (!dataFields.isEmpty() || (channels.isEmpty() && join.isEmpty())) {
            parts.put("dataFields", dataFields);
        }
        if (!channels.isEmpty()) {
            parts.put("channelProperties", channels);
        }
        if (!join.isEmpty()) {
            parts.put("lists", join);
        }
        return parts;
    }

    /** The lists this write leaves. */
    public static List<Integer> listRemovals(Map<String, Object> write) {
        List<Integer> leave = new ArrayList<>();
        write.forEach((target, value) -> {
            if (WriteTargets.isList(target) && WriteTargets.REMOVED.equals(value)) {
                leave.add(WriteTargets.listId(target));
            }
        });
        return leave;
    }

    private static String optInType(IntegrationConfig cfg, String channel) {
        return cfg.channels().stream().filter(c -> c.name().equals(channel)).map(IntegrationConfig.Channel::optInType)
                .filter(java.util.Objects::nonNull).findFirst().orElse("single");
    }
}
