package io.consentsync.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The failed-login memory cannot be grown without limit by an attacker rotating addresses. */
class AdminAuthenticatorTest {

    @Test
    void memoryForFailedLoginsStaysBounded() {
        AdminAuthenticator auth = new AdminAuthenticator("admin", "pw");
        for (int i = 0; i < AdminAuthenticator.MAX_TRACKED_ADDRESSES + 5000; i++) {
            auth.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        }
        assertThat(auth.trackedAddresses()).isEqualTo(AdminAuthenticator.MAX_TRACKED_ADDRESSES);
    }
}
