package io.fleetgate.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {
    private final ClientAddressResolver behindProxies =
            new ClientAddressResolver(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", ""));

    @Test
    void withNoTrustedNetworksTheHeaderIsIgnored() {
        ClientAddressResolver byDefault = new ClientAddressResolver(List.of());

        assertThat(byDefault.clientIp("203.0.113.9", "1.2.3.4")).isEqualTo("203.0.113.9");
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() {
        assertThat(behindProxies.clientIp("203.0.113.9", "10.1.1.1, 1.2.3.4")).isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedProxyNamesTheClient() {
        assertThat(behindProxies.clientIp("10.0.0.5", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(behindProxies.clientIp("10.0.0.5", null)).isEqualTo("10.0.0.5");
    }

    @Test
    void theNearestUntrustedHopWinsNotWhatTheClientWrote() {
        // the client sent "X-Forwarded-For: 6.6.6.6"; two trusted proxies appended what they saw
        assertThat(behindProxies.clientIp("10.0.0.5", "6.6.6.6, 203.0.113.9, 192.168.1.7"))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void aChainOfOnlyTrustedHopsGivesTheFarthest() {
        assertThat(behindProxies.clientIp("10.0.0.5", "10.9.9.9, 10.0.0.6")).isEqualTo("10.9.9.9");
    }

    @Test
    void ipv6PeersProxiesAndClients() {
        assertThat(behindProxies.clientIp("fd12:3456::1", "2001:db8:0:0:0:0:0:42, fd00::9")).isEqualTo("2001:db8::42");
        assertThat(behindProxies.clientIp("2001:db8::7", "203.0.113.9")).isEqualTo("2001:db8::7");
        assertThat(behindProxies.clientIp("10.0.0.5", "[2001:db8::42]:51234")).isEqualTo("2001:db8::42");
        assertThat(behindProxies.clientIp("::ffff:10.0.0.5", "203.0.113.9"))
                .as("an IPv4 peer on a dual-stack socket").isEqualTo("203.0.113.9");
    }

    @Test
    void portsWrittenByProxiesAreDropped() {
        assertThat(behindProxies.clientIp("10.0.0.5", "203.0.113.9:4711")).isEqualTo("203.0.113.9");
    }

    @Test
    void aMalformedEntryStopsTheWalkAtTheNearestTrustedHop() {
        assertThat(behindProxies.clientIp("10.0.0.5", "203.0.113.9, not-an-ip")).isEqualTo("10.0.0.5");
        assertThat(behindProxies.clientIp("10.0.0.5", "203.0.113.9, 999.1.1.1, 10.0.0.6")).isEqualTo("10.0.0.6");
        assertThat(behindProxies.clientIp("10.0.0.5", "fe80::1%eth0")).isEqualTo("10.0.0.5");
        assertThat(behindProxies.clientIp("10.0.0.5", "010.1.1.1")).isEqualTo("10.0.0.5");
        assertThat(behindProxies.clientIp("10.0.0.5", "evil.example")).isEqualTo("10.0.0.5");
    }

    @Test
    void emptyEntriesAndWhitespaceAreSkipped() {
        assertThat(behindProxies.clientIp("10.0.0.5", " 203.0.113.9 ,, ")).isEqualTo("203.0.113.9");
        assertThat(behindProxies.clientIp("10.0.0.5", "")).isEqualTo("10.0.0.5");
    }

    @Test
    void aPeerThatIsNotAnAddressIsReturnedAsIs() {
        assertThat(behindProxies.clientIp("unix:/run/fleetgate.sock", "203.0.113.9")).isEqualTo("unix:/run/fleetgate.sock");
        assertThat(behindProxies.clientIp(null, "203.0.113.9")).isEqualTo("unknown");
    }

    @Test
    void prefixLengthsAreHonouredToTheBit() {
        ClientAddressResolver slash25 = new ClientAddressResolver(List.of("192.0.2.0/25", "2001:db8:8000::/33"));

        assertThat(slash25.clientIp("192.0.2.127", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(slash25.clientIp("192.0.2.128", "203.0.113.9")).isEqualTo("192.0.2.128");
        assertThat(slash25.clientIp("2001:db8:ffff::1", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(slash25.clientIp("2001:db8:7fff::1", "203.0.113.9")).isEqualTo("2001:db8:7fff::1");
    }

    @Test
    void aMistypedTrustedNetworkStopsStartup() {
        assertThatThrownBy(() -> new ClientAddressResolver(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientAddressResolver(List.of("proxy.internal")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientAddressResolver(List.of("10.0.0.0/x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyAddressIsTrustedOnlyWhenSaidSo() {
        ClientAddressResolver everyone = new ClientAddressResolver(List.of("0.0.0.0/0", "::/0"));

        assertThat(everyone.clientIp("203.0.113.9", "6.6.6.6, 198.51.100.1")).isEqualTo("6.6.6.6");
    }
}
