package io.consentsync.retention;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** sync.erasure.on-user-deleted = false: a handled user.deleted leaves the person's records as they are. */
class ErasureDisabledTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.erasure.on-user-deleted", "false");
    }

    @Test
    void aDeletionErasesNothing() throws Exception {
        String deletion = accepted(ErasureTest.userDeleted("u-kept", "kept.after.deletion@example.com"));
        awaitStatus(deletion, "ignored");

        int erased = context.getRegistry().lookupByNameAndType("erasureOnDeletion", ErasureOnDeletion.class)
                .eraseHandledDeletions(100);

        assertThat(erased).isZero();
        assertThat(StoreSql.dumpMentions(jdbcUrl, "kept.after.deletion@example.com")).isTrue();
    }
}
