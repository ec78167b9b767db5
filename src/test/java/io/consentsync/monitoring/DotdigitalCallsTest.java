package io.consentsync.monitoring;

import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** The dotdigital console's ring of recent calls: bounded, newest first, paths without the values in them. */
class DotdigitalCallsTest {

    @Test
    void keepsTheLastCallsWithPathTemplatesOnly() {
        DotdigitalCalls calls = new DotdigitalCalls(Clock.systemUTC(), 3);
        calls.record("GET", "/v2/data-fields", 200);
        calls.record("PATCH", "/contacts/v3/email/ann%40example.com?merge-option=overwrite", 400);
        calls.record("GET", "/contacts/v3/import/7f1c-22aa", 200);
        calls.record("PUT", "/contacts/v3/import", 202);

        assertThat(calls.recent()).extracting(c -> c.method() + " " + c.path() + " " + c.status()).containsExactly(
                "PUT /contacts/v3/import 202", "GET /contacts/v3/import/{value} 200",
                "PATCH /contacts/v3/email/{value} 400");
        assertThat(calls.total()).isEqualTo(4);
        assertThat(DotdigitalCalls.template("/contacts/v3/email/bob@example.com")).isEqualTo("/contacts/v3/email/{value}");
        assertThat(DotdigitalCalls.template("/v2/contacts/bob@example.com/data-fields")).isEqualTo("/v2/contacts/{value}/data-fields");
    }
}
