package io.fleetgate.telemetry.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.account.Secret;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Where webhooks may point, with the shipped default (allow-private-addresses=false): https only,
 * and never a host that resolves to a loopback, private, shared, link-local or unspecified address,
 * however it is written. Names resolve through a scripted resolver, so the test needs no DNS.
 */
class WebhookAddressesTest {
    private static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "localhost", "127.0.0.1",
            "internal.example.com", "10.1.2.3",
            "metadata.example.com", "169.254.169.254",
            "v6-loopback.example.com", "::1",
            "v6-ula.example.com", "fd12:3456:789a::1",
            "mapped.example.com", "::ffff:192.168.1.10",
            "cgnat.example.com", "100.64.0.7");

    private static WebhookAddresses addresses(boolean allowPrivate) {
        return new WebhookAddresses(allowPrivate, host -> {
            String ip = DNS.getOrDefault(host, host);
            return new InetAddress[] {InetAddress.getByName(ip)};
        });
    }

    @Test
    void theShippedDefaultRefusesPrivateAddresses() throws Exception {
        Properties shipped = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            shipped.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        assertThat(shipped.getProperty("fleetgate.webhooks.allow-private-addresses").trim()).isEqualTo("false");
    }

    @Test
    void loopbackPrivateAndLinkLocalHostsAreRefusedByDefault() {
        WebhookAddresses byDefault = addresses(false);
        for (String host : new String[] {"localhost", "127.0.0.1", "internal.example.com", "metadata.example.com",
                "v6-loopback.example.com", "v6-ula.example.com", "mapped.example.com", "cgnat.example.com", "0.0.0.0",
                "192.168.0.1", "172.16.5.5", "[fe80::1]"}) {
            assertThatThrownBy(() -> byDefault.resolve(WebhookAddresses.parse("https://" + host + "/hook")))
                    .as(host).isInstanceOf(WebhookAddresses.Refused.class)
                    .hasMessageContaining("private, loopback or link-local");
        }
    }

    @Test
    void publicHostsPassAndTheSettingAllowsLoopback() throws Exception {
        assertThat(addresses(false).resolve(URI.create("https://hooks.example.com/fleet"))).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34");
        assertThat(addresses(true).resolve(URI.create("https://localhost:8443/hook"))).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.1");
    }

    @Test
    void onlyHttpsUrlsWithAHostAreTaken() {
        for (String url : new String[] {"http://hooks.example.com/x", "ftp://hooks.example.com", "hooks.example.com/x",
                "https:///nohost", "https://user:pw@hooks.example.com/x", "https://hooks.example.com/x#frag", "not a url"}) {
            assertThatThrownBy(() -> WebhookAddresses.parse(url)).as(url).isInstanceOf(WebhookAddresses.Refused.class);
        }
    }

    @Test
    void unresolvableHostsAreRefused() {
        WebhookAddresses failing = new WebhookAddresses(false, host -> {
            throw new java.net.UnknownHostException(host);
        });
        assertThatThrownBy(() -> failing.resolve(URI.create("https://gone.example.com/x")))
                .isInstanceOf(WebhookAddresses.Refused.class).hasMessageContaining("does not resolve");
    }

    @Test
    void signatureIsHexHmacSha256OfTheBody() {
        // RFC 4231 test case 2
        assertThat(WebhookSignature.of(new Secret("Jefe"), "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void retriesBackOffExponentiallyUpToTheMaximum() {
        WebhookSettings settings = new WebhookSettings(Duration.ofSeconds(5), 2, Duration.ofMinutes(15), Duration.ofHours(8),
                Duration.ofSeconds(10), 10_000, Duration.ofMinutes(1));
        assertThat(settings.delayBefore(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.delayBefore(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.delayBefore(5)).isEqualTo(Duration.ofSeconds(80));
        assertThat(settings.delayBefore(30)).isEqualTo(Duration.ofMinutes(15));
    }
}
