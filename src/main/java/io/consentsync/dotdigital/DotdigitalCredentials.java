package io.consentsync.dotdigital;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.message.BasicHeader;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * HTTP Basic credentials of the Dotdigital API user, added by the HTTP client itself to every call: they never sit
 * in an endpoint URI, a message header or an exchange dump, so no log can print them.
 */
public class DotdigitalCredentials implements HttpClientConfigurer {

    private final String authorization;

    public DotdigitalCredentials(String username, String password) {
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setDefaultHeaders(List.of(new BasicHeader("Authorization", authorization)));
    }

    @Override
    public String toString() {
        return "DotdigitalCredentials[****]";
    }
}
