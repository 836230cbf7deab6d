package io.fleetgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ports tests give child processes: bindable, never twice, and none an outgoing connection could take. */
class FreePortsTest {

    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        int ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim().split("\\s+")[0]);
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.next();
            assertThat(ports.add(port)).as("port %d given twice", port).isTrue();
            assertThat(port).isLessThan(ephemeralLow).isGreaterThanOrEqualTo(10_000);
            try (ServerSocket listening = new ServerSocket(port)) {
                assertThat(listening.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
