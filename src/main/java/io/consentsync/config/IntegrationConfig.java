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
        boolean configured) {

    /** {@code properties.on_user_deleted}: what a {@code user.deleted} webhook does to the contact. */
    public enum OnUserDeleted {
        /** record the event, change nothing in Dotdigital */
        IGNORE,
        /** set every mapped data field to null (Dotdigital clears a field sent as null) */
        CLEAR
    }

    /** One Didomi mapping: Dotdigital data field name ({@code id}) fed by a Didomi key ({@code value}). */
    public record Mapping(String dataField, String didomiKey) {
    }

    /** The contact an organization user id names: email addresses whatever their case, other identifiers as given. */
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
                onUserDeleted, createMissingDataFields, configured);
    }

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    @Override
    public String toString() { // never print the password
        return "IntegrationConfig[source=" + source + ", baseUrl=" + baseUrl + ", username=" + username
                + ", password=" + (hasPassword() ? "****" : "<missing>") + ", identifier=" + identifier
                + ", regulations=" + regulations + ", mappings=" + mappings.size() + ", upsertMode=" + upsertMode + ", onUserDeleted=" + onUserDeleted
                + ", createMissingDataFields=" + createMissingDataFields + "]";
    }
}
