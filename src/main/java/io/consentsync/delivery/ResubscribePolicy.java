package io.consentsync.delivery;

import io.consentsync.config.IntegrationConfig;
import io.consentsync.mapping.WriteTargets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code properties.resubscribe}, applied to the looked-up contact (variable {@code currentChannels}): an opt-in for a
 * channel Dotdigital has as unsubscribed or suppressed (any suppression status: bounced, complained, ...).
 * <ul>
 *   <li>{@code never}: the channel leaves the write (its status stays), the data fields are still written, and the
 *   events say the contact was not resubscribed;</li>
 *   <li>{@code with_challenge}: email is written with {@code resubscribeOptions.resubscribeWithNoChallenge: false}
 *   (variable {@code resubscribe}), so Dotdigital emails a confirmation; SMS has no challenge, so it is left as under
 *   {@code never};</li>
 *   <li>{@code without_challenge}: written with {@code resubscribeWithNoChallenge: true} (SMS: the status alone).</li>
 * </ul>
 * Without {@code resubscribeOptions}, Dotdigital resubscribes silently (the option defaults to true), which is why an
 * opt-in is always looked up first. Body in and out: the converted write.
 */
public class ResubscribePolicy implements Processor {

    /** Statuses an opt-in changes without any resubscribe question. */
    private static final Set<String> OPEN = Set.of("subscribed", "pendingoptin", "nosubscription");

    private final Supplier<IntegrationConfig> config;

    public ResubscribePolicy(Supplier<IntegrationConfig> config) {
        this.config = config;
    }

    /** True when Dotdigital has the channel as unsubscribed or suppressed (so an opt-in would resubscribe it). */
    public static boolean optedOut(String status) {
        return status != null && !OPEN.contains(status.toLowerCase(Locale.ROOT));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        Map<String, Object> write = exchange.getMessage().getBody(Map.class);
        Map<String, String> current = exchange.getVariable(ExchangeVariables.CURRENT_CHANNELS, Map.class);
        ContactBatch batch = exchange.getVariable(ExchangeVariables.BATCH, ContactBatch.class);
        IntegrationConfig.Resubscribe policy = config.get().resubscribe();
        exchange.removeVariable(ExchangeVariables.RESUBSCRIBE);
        if (write == null || current == null || current.isEmpty()) {
            return;
        }
        Map<String, Object> kept = new LinkedHashMap<>();
        write.forEach((target, value) -> {
            if (!WriteTargets.isChannel(target) || !WriteTargets.SUBSCRIBED.equals(value)) {
                kept.put(target, value);
                return;
            }
            String channel = WriteTargets.channelName(target);
            String status = current.get(channel);
            if (!optedOut(status)) {
                kept.put(target, value);
            } else if (policy == IntegrationConfig.Resubscribe.WITHOUT_CHALLENGE) {
                kept.put(target, value);
                if (channel.equals("email")) {
                    exchange.setVariable(ExchangeVariables.RESUBSCRIBE, "without_challenge");
                }
            } else if (policy == IntegrationConfig.Resubscribe.WITH_CHALLENGE && channel.equals("email")) {
                kept.put(target, value);
                exchange.setVariable(ExchangeVariables.RESUBSCRIBE, "with_challenge");
            } else {
                batch.notResubscribed(target, "not resubscribed: the contact's " + channel + " channel is " + status
                        + " in Dotdigital and properties.resubscribe is " + policyName(policy, channel));
            }
        });
        exchange.getMessage().setBody(kept);
    }

    private static String policyName(IntegrationConfig.Resubscribe policy, String channel) {
        String name = policy.name().toLowerCase(Locale.ROOT);
        return policy == IntegrationConfig.Resubscribe.WITH_CHALLENGE ? name + " (no challenge exists for " + channel + ")" : name;
    }
}
