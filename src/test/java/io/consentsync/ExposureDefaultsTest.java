package io.consentsync;

import io.consentsync.support.ConnectorTestSupport;
import io.consentsync.support.TestLogFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With application.properties as shipped: health and metrics on loopback only, the webhook on every interface. */
class ExposureDefaultsTest extends ConnectorTestSupport {

    private static final Path LOG = TestLogFile.PATH;
    private long logBeforeStart; // the log file collects every run: read only what this start wrote

    @Override
    public void configureContext(org.apache.camel.test.junit5.CamelContextConfiguration config) {
        try {
            logBeforeStart = Files.exists(LOG) ? Files.size(LOG) : 0;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        super.configureContext(config);
    }

    @Test
    void theManagementPortListensOnLoopbackOnlyAndTheWebhookEverywhere() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        Assumptions.assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
        assertThat(management("/observe/health").statusCode()).as("reachable on 127.0.0.1").isEqualTo(200);
        assertThatThrownBy(() -> connect(external.get(), managementPort)).as("management on " + external.get())
                .isInstanceOf(java.net.ConnectException.class);
        connect(external.get(), port); // the webhook server: no exception
    }

    @Test
    void startingWithoutWebhookAuthenticationLogsAWarning() throws Exception {
        String log = loggedSince(logBeforeStart);
        assertThat(log).containsPattern("WARN .*The webhook accepts events WITHOUT authentication");
    }

    private static void connect(InetAddress address, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** What the log file got since the given size (bytes: the file may hold non-ASCII text). */
    private static String loggedSince(long size) throws java.io.IOException {
        byte[] all = Files.readAllBytes(LOG);
        return new String(all, (int) size, all.length - (int) size, java.nio.charset.StandardCharsets.UTF_8);
    }
}
