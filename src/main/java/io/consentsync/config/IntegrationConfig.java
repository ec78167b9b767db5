package io.consentsync.config;

import java.util.List;

/**
 * Didomi's integration JSON for the Dotdigital connector, parsed and checked.
 *
 * @param baseUrl       Dotdigital regional API root without trailing slash, e.g. https://r1-api.dotdigital.com
 * @param identifier    the Dotdigital identifier the organization user id is matched on (email, mobileNumber, custom)
 * @param regulations   regulations whose events are delivered (others are ignored)
 * @param createMissingDataFields {@code properties.create_missing_data_fields}: create mapped fields the account lacks
 * @param configured    false when running on the bundled example config, which cannot reach a real account
 * @param channels      {@code properties.channels}: channel statuses fed by boolean Didomi keys (empty: none)
 * @param resubscribe   {@code properties.resubscribe}: what an opt-in does for a contact Dotdigital has as unsubscribed
 * @param lists         {@code properties.lists}: list memberships fed by boolean Didomi keys (empty: none)
 */
public record IntegrationConfig(
        String source,
        String baseUrl,
        String username,
        String password,
        String identifier,
        List<String> regulations,
        List<Mapping> mappings,
        boolean upsertMode,
        OnUserDeleted onUserDeleted,
        boolean createMissingDataFields,
        boolean configured,
        List<Channel> channels,
        Resubscribe resubscribe,
        List<ListMapping> lists) {

    /** Without channels or lists: the configuration as it was before {@code properties.channels} existed. */
    public IntegrationConfig(String source, String baseUrl, String username, String password, String identifier,
                             List<String> regulations, List<Mapping> mappings, boolean upsertMode,
                             OnUserDeleted onUserDeleted, boolean createMissingDataFields, boolean configured) {
        this(source, baseUrl, username, password, identifier, regulations, mappings, upsertMode, onUserDeleted,
                createMissingDataFields, configured, List.of(), Resubscribe.NEVER, List.of());
    }

    /** {@code properties.channels.<name>}: a Dotdigital channel ({@code email}, {@code sms}) fed by a boolean key. */
    public record Channel(String name, String didomiKey, String optInType) {
    }

    /** {@code properties.lists[]}: a Dotdigital list (address book) id fed by a boolean key. */
    public record ListMapping(int id, String didomiKey) {
    }

    /** {@code properties.resubscribe}: an opt-in for a contact whose channel is unsubscribed or suppressed. */
    public enum Resubscribe {
        /** leave the channel status as it is (data fields are still written) */
        NEVER,
        /** send resubscribeOptions.resubscribeWithNoChallenge false: Dotdigital emails a confirmation */
        WITH_CHALLENGE,
        /** resubscribe directly: the customer's legal responsibility */
        WITHOUT_CHALLENGE
    }

    /** Startup warnings about this configuration (logged, never fatal). */
    public List<String> warnings() {
        List<String> warnings = new java.util.ArrayList<>();
        if (upsertMode && channels.stream().noneMatch(c -> c.name().equals("email"))) {
            warnings.add("upsert_mode is on and properties.channels maps no email channel: Dotdigital creates new "
                    + "contacts as subscribed to email, a refusal from a contact it did not know yet included");
        }
        return warnings;
    }

    /** {@code properties.on_user_deleted}: what a {@code user.deleted} webhook does to the contact. */
    public enum OnUserDeleted {
        /** record the event, change nothing in Dotdigital */
        IGNORE,
        /** set every mapped data field to null (Dotdigital clears a field sent as null) */
        CLEAR,
        /** set every mapped channel ({@code properties.channels}) to unsubscribed and leave every mapped list */
        UNSUBSCRIBE
    }

    /** One Didomi mapping: Dotdigital data field name ({@code id}) fed by a Didomi key ({@code value}). */
    public record Mapping(String dataField, String didomiKey) {
    }

    /** The contact an organization user id names: email addresses whatever their case, other identifiers as given. */
    /** Every Didomi key the configuration reads (mappings, channels, lists), each once, in that order. */
    public List<String> didomiKeys() {
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        mappings.forEach(m -> keys.add(m.didomiKey()));
        channels.forEach(c -> keys.add(c.didomiKey()));
        lists.forEach(l -> keys.add(l.didomiKey()));
        return List.copyOf(keys);
    }

    public String contactKey(String organizationUserId) {
        if (organizationUserId == null) {
            return null;
        }
        String id = organizationUserId.trim();
        return "email".equals(identifier) ? id.toLowerCase(java.util.Locale.ROOT) : id;
    }

    /** Delivery runs only against a real account: the operator's own config with a password. */
    public boolean readyForDelivery() {
        return configured && hasPassword();
    }

    /** The same configuration with the API user's password from {@code sync.dotdigital.password-file}. */
    public IntegrationConfig withPassword(String newPassword) {
        return new IntegrationConfig(source, baseUrl, username, newPassword, identifier, regulations, mappings, upsertMode,
                onUserDeleted, createMissingDataFields, configured, channels, resubscribe, lists);
    }

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    @Override
    public String toString() { // never print the password
        return "IntegrationConfig[source=" + source + ", baseUrl=" + baseUrl + ", username=" + username
                + ", password=" + (hasPassword() ? "****" : "<missing>") + ", identifier=" + identifier
                + ", regulations=" + regulations + ", mappings=" + mappings.size() + ", upsertMode=" + upsertMode + ", onUserDeleted=" + onUserDeleted
                + ", createMissingDataFields=" + createMissingDataFields
                + (channels.isEmpty() ? "" : ", channels=" + channels.stream().map(Channel::name).toList())
                + (channels.isEmpty() ? "" : ", resubscribe=" + resubscribe.name().toLowerCase(java.util.Locale.ROOT))
                + (lists.isEmpty() ? "" : ", lists=" + lists.stream().map(ListMapping::id).toList()) + "]";
    }
}
