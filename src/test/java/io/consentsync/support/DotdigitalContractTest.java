package io.consentsync.support;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract check itself: it must pass a correct request and fail the shapes Dotdigital would reject. */
class DotdigitalContractTest {

    private static final Map<String, List<String>> AUTH = Map.of(
            "Content-Type", List.of("application/json"), "Authorization", List.of("Basic dXNlcjpwdw=="));

    @Test
    void acceptsACorrectPatchAndDataFieldList() throws Exception {
        assertThat(DotdigitalContract.violation("PATCH", "/contacts/v3/email/a%2Bb@example.com?merge-option=overwrite", AUTH,
                "{\"identifiers\":{\"email\":\"a+b@example.com\"},\"dataFields\":{\"NEWSLETTER\":true}}")).isEmpty();
        assertThat(DotdigitalContract.violation("GET", "/v2/data-fields", AUTH, null)).isEmpty();
    }

    @Test
    void rejectsWrongShapesQueriesPathsAndMissingAuth() throws Exception {
        assertThat(DotdigitalContract.violation("PATCH", "/contacts/v3/email/a@example.com?merge-option=overwrite", AUTH,
                "{\"identifiers\":\"a@example.com\",\"dataFields\":{}}")).isPresent();
        assertThat(DotdigitalContract.violation("PATCH", "/contacts/v3/email/a@example.com?merge-option=always", AUTH,
                "{\"identifiers\":{\"email\":\"a@example.com\"}}")).isPresent();
        assertThat(DotdigitalContract.violation("PATCH", "/contacts/v3/email/a@example.com?merge-option=overwrite",
                Map.of("Content-Type", List.of("application/json")), "{\"identifiers\":{\"email\":\"a@example.com\"}}"))
                .isPresent();
        assertThat(DotdigitalContract.violation("PATCH", "/contacts/v4/email/a@example.com", AUTH,
                "{\"identifiers\":{\"email\":\"a@example.com\"}}")).isPresent();
    }
}
