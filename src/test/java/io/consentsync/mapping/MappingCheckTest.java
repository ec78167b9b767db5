package io.consentsync.mapping;

import io.consentsync.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mapping check: a missing data field, or one that can never hold what its key yields, makes dotdigital-mapping
 * DOWN in /observe/health with the reason; readiness (intake) stays UP. Metadata is typed per event: never flagged.
 */
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
                   {"id": "CONSENT_AT", "value": "updated_at"},
                   {"id": "SEEN_FLAG", "value": "updated_at"},
                   {"id": "PLAN_DATE", "value": "metadata_plan_date"},
                   {"id": "PLAN_FLAG", "value": "metadata_vip"}
                 ]}
                """.formatted(dotdigital.baseUrl());
    }

    @Override
    protected void stubDataFields() {
        dotdigital.stubFor(get(urlPathEqualTo("/v2/data-fields")).willReturn(okJson("""
                [{"name": "NEWSLETTER", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                 {"name": "LI_DATE", "type": "Date", "visibility": "Private", "defaultValue": null},
                 {"name": "CONSENT_AT", "type": "Date", "visibility": "Private", "defaultValue": null},
                 {"name": "SEEN_FLAG", "type": "Boolean", "visibility": "Private", "defaultValue": null},
                 {"name": "PLAN_DATE", "type": "Date", "visibility": "Private", "defaultValue": null},
                 {"name": "PLAN_FLAG", "type": "Boolean", "visibility": "Private", "defaultValue": null}]
                """)));
    }

    @Test
    void healthNamesEveryMappingProblemWhileReadinessStaysUp() throws Exception {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            HttpResponse<String> health = management("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"name\":\"dotdigital-mapping\",\"status\":\"DOWN\"")
                    .contains("data field NOT_THERE (mapped from consents_channels_sms_enabled) does not exist in Dotdigital")
                    .contains("data field LI_DATE is Date but consents_purposes_marketing_enabled yields Boolean values")
                    .contains("data field SEEN_FLAG is Boolean but updated_at yields Date values")
                    .doesNotContain("PLAN_DATE").doesNotContain("PLAN_FLAG").doesNotContain("CONSENT_AT is");
        });
        HttpResponse<String> ready = management("/observe/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).doesNotContain("\"name\":\"dotdigital-mapping\"");
    }
}
