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

    private static final String PATCH = "/contacts/v3/email/a@example.com?merge-option=overwrite";

    @Test
    void acceptsChannelStatusesListsAndResubscribeOptionsThroughTheAllOfTrap() throws Exception {
        assertThat(DotdigitalContract.violation("PATCH", PATCH, AUTH, """
                {"identifiers":{"email":"a@example.com"},"dataFields":{"NEWSLETTER":true},
                 "channelProperties":{"email":{"status":"subscribed","optInType":"double",
                   "resubscribeOptions":{"resubscribeWithNoChallenge":false}},"sms":{"status":"unsubscribed"}},
                 "lists":[123]}""")).isEmpty();
        assertThat(DotdigitalContract.violation("PUT", "/contacts/v3/import", AUTH, """
                {"mergeOption":"overwrite","contacts":[{"matchIdentifier":"email","identifiers":{"email":"a@example.com"},
                 "channelProperties":{"email":{"status":"unsubscribed"}},"lists":[7]}]}""")).isEmpty();
    }

    @Test
    void rejectsChannelPropertiesTheContractDoesNotHave() throws Exception {
        assertThat(DotdigitalContract.violation("PATCH", PATCH, AUTH, """
                {"identifiers":{"email":"a@example.com"},"channelProperties":{"email":{"status":"optedOut"}}}""")).isPresent();
        assertThat(DotdigitalContract.violation("PATCH", PATCH, AUTH, """
                {"identifiers":{"email":"a@example.com"},"channelProperties":{"email":{"status":"subscribed","optinType":"double"}}}"""))
                .isPresent();
        assertThat(DotdigitalContract.violation("PATCH", PATCH, AUTH, """
                {"identifiers":{"email":"a@example.com"},"channelProperties":{"sms":{"status":"subscribed","resubscribeOptions":{}}}}"""))
                .isPresent();
        assertThat(DotdigitalContract.violation("PATCH", PATCH, AUTH, """
                {"identifiers":{"email":"a@example.com"},"channelProperties":{"fax":{"status":"subscribed"}}}""")).isPresent();
        assertThat(DotdigitalContract.violation("PATCH", PATCH, AUTH, """
                {"identifiers":{"email":"a@example.com"},"lists":["newsletter"]}""")).isPresent();
    }

    @Test
    void checksListCallsAgainstTheListsFile() throws Exception {
        assertThat(DotdigitalContract.violation("GET", "/v2/address-books/123", AUTH, null)).isEmpty();
        assertThat(DotdigitalContract.violation("DELETE", "/v2/address-books/123/contacts/42", AUTH, null)).isEmpty();
        assertThat(DotdigitalContract.violation("DELETE", "/v2/address-books/123/contacts/a@example.com", AUTH, null)).isPresent();
        assertThat(DotdigitalContract.violation("DELETE", "/v2/address-books/123/members/42", AUTH, null)).isPresent();
    }
}
