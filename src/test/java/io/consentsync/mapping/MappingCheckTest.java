package io.consentsync.mapping;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The startup mapping check: a missing or incompatible data field makes readiness DOWN with the reason. */
class MappingCheckTest extends ConnectorTestSupport {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sync.mapping-check.initial-delay-ms", "100");
    }

    @Override
    protected String integration() {
        return """
                {"type_id": "dotdigital",
                 "authentication": {"url": "%s", "username": "apiuser-test@apiconnector.com"},
                 "mappings": [
                   {"id": "NEWSLETTER", "value": "consents_purposes_newsletter_enabled"},
                   {"id": "NOT_THERE", "value": "consents_channels_sms_enabled"},
                   {"id": "LI_DATE", "value": "consents_purposes_marketing_enabled"},
                   {"id": "CONSENT_AT", "value": "updated_at"}
                 ]}
                """.formatted(dotdigital.baseUrl());
    }

    @Test
    void readinessNamesEveryMappingProblem() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> ready = management("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body())
                    .contains("data field NOT_THERE (mapped from consents_channels_sms_enabled) does not exist in Dotdigital")
                    .contains("data field LI_DATE is Date but consents_purposes_marketing_enabled yields Boolean values");
        });
    }
}
