package io.consentsync.config;

import java.util.List;

/**
 * Didomi's integration JSON for the Dotdigital connector, parsed and checked.
 *
 * @param baseUrl       Dotdigital regional API root without trailing slash, e.g. https://r1-api.dotdigital.com
 * @param identifier    the Dotdigital identifier the organization user id is matched on (email, mobileNumber, custom)
 * @param regulations   regulations whose events are delivered (others are ignored)
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
        boolean configured) {

    /** One Didomi mapping: Dotdigital data field name ({@code id}) fed by a Didomi key ({@code value}). */
    public record Mapping(String dataField, String didomiKey) {
    }

    /** Delivery runs only against a real account: the operator's own config with a password. */
    public boolean readyForDelivery() {
        return configured && hasPassword();
    }

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    @Override
    public String toString() { // never print the password
        return "IntegrationConfig[source=" + source + ", baseUrl=" + baseUrl + ", username=" + username
                + ", password=" + (hasPassword() ? "****" : "<missing>") + ", identifier=" + identifier
                + ", regulations=" + regulations + ", mappings=" + mappings.size() + ", upsertMode=" + upsertMode + "]";
    }
}
