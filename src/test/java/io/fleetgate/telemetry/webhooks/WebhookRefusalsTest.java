package io.fleetgate.telemetry.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.account.Account;
import io.fleetgate.account.Secret;
import io.fleetgate.account.Subscription;
import io.fleetgate.account.WebhookEndpoint;
import io.fleetgate.account.YamlAccountStore;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.region.Region;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the default (allow-private-addresses=false) the admin API refuses an endpoint whose host is
 * loopback or private with 400 invalid_request, and a host that resolved to a public address when
 * the endpoint was added but resolves to a private one at delivery time gets nothing: the attempt
 * is refused before any connection and the event ends as a dead letter naming the address.
 * Names resolve through a scripted resolver, so no DNS is needed.
 */
class WebhookRefusalsTest {
    private static final String VIN = "5YJ3E1EA7KF100001";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static DefaultCamelContext camel;

    @BeforeAll
    static void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    private static Account alice(List<WebhookEndpoint> hooks) {
        return new Account("alice", Region.NA, new Secret("tesla-token"), Set.of("vehicle_device_data"),
                new Subscription(null, Set.of(VIN), Set.of()), List.of()).withWebhooks(hooks);
    }

    @Test
    void theAdminApiRefusesLoopbackAndPrivateHostsByDefault() {
        YamlAccountStore store = new YamlAccountStore(List.of(alice(List.of())));
        WebhookAdmin admin = new WebhookAdmin(store, new WebhookAddresses(false, host -> new InetAddress[] {
                InetAddress.getByName(host.equals("intranet.example.com") ? "192.168.10.4" : host)}),
                Clock.systemUTC(), RandomGenerator.getDefault());
        for (String url : List.of("https://localhost:8443/hook", "https://127.0.0.1/hook", "https://intranet.example.com/hook",
                "https://169.254.169.254/latest/meta-data", "https://[::1]/hook")) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader("id", "alice");
            exchange.getMessage().setBody("{\"url\":\"" + url + "\",\"secret\":\"a-secret-of-enough-length\",\"topics\":[\"data\"]}");
            assertThatThrownBy(() -> admin.create(exchange)).as(url).isInstanceOfSatisfying(GatewayError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.error()).isEqualTo("invalid_request");
                assertThat(e.getMessage()).contains("private, loopback or link-local").doesNotContain("a-secret-of-enough-length");
            });
        }
        assertThat(store.findById("alice").orElseThrow().webhooks()).isEmpty();
    }

    @Test
    void aHostThatTurnsPrivateIsRefusedAtDeliveryAndDeadLettered() throws Exception {
        Map<String, String> dns = new java.util.concurrent.ConcurrentHashMap<>(Map.of("hooks.example.com", "10.0.0.7"));
        WebhookAddresses addresses = new WebhookAddresses(false, host -> new InetAddress[] {InetAddress.getByName(dns.get(host))});
        WebhookEndpoint hook = new WebhookEndpoint("wh_1", URI.create("https://hooks.example.com/fleet"),
                new Secret("a-secret-of-enough-length"), Set.of("data"), Set.of(), Instant.now());
        YamlAccountStore store = new YamlAccountStore(List.of(alice(List.of(hook))));
        List<String[]> letters = new CopyOnWriteArrayList<>();
        WebhookDelivery delivery = new WebhookDelivery(store, addresses, new WebhookSettings(Duration.ofMillis(50), 2,
                Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2), 100, Duration.ofSeconds(1)),
                Clock.systemUTC(), "", (key, letter) -> letters.add(new String[] {key, letter}),
                new WebhookDelivery.Metering(Duration.ofMinutes(1), 150, event -> { }));
        delivery.start();
        try {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader(KafkaConstants.KEY, VIN);
            exchange.getMessage().setHeader(KafkaConstants.PARTITION, 3);
            exchange.getMessage().setHeader(KafkaConstants.OFFSET, 41L);
            exchange.getMessage().setHeader("fleetgate-event", "data");
            exchange.getMessage().setBody("{\"data\":{\"BatteryLevel\":80},\"vin\":\"" + VIN + "\"}");
            delivery.dispatch(exchange);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !letters.isEmpty());
            assertThat(letters.get(0)[0]).isEqualTo("alice/wh_1");
            JsonNode letter = JSON.readTree(letters.get(0)[1]);
            assertThat(letter.path("event_id").asText()).isEqualTo("3-41");
            assertThat(letter.path("reason").asText()).contains("10.0.0.7", "private, loopback or link-local");
            assertThat(letter.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(letter.path("event").path("data").path("BatteryLevel").asInt()).isEqualTo(80);
            assertThat(letters.get(0)[1]).doesNotContain("a-secret-of-enough-length");
        } finally {
            delivery.stop();
        }
    }

    @Test
    void accountsWithoutVehicleLocationGetDataEventsWithoutLocationFields() {
        io.fleetgate.telemetry.FieldCatalogue fields = io.fleetgate.telemetry.FieldCatalogue.load();
        WebhookDelivery.Event mixed = new WebhookDelivery.Event("3-7", VIN, "data",
                ("{\"data\":{\"BatteryLevel\":81.52,\"Location\":{\"latitude\":37.4419,\"longitude\":-122.143}},"
                        + "\"createdAt\":\"2026-12-03T16:00:00.000000000Z\",\"vin\":\"" + VIN + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(WebhookDelivery.withoutLocation(mixed, fields)).get().extracting(e -> new String(e.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"data\":{\"BatteryLevel\":81.52},\"createdAt\":\"2026-12-03T16:00:00.000000000Z\",\"vin\":\"" + VIN + "\"}");
        WebhookDelivery.Event onlyLocation = new WebhookDelivery.Event("3-8", VIN, "data",
                ("{\"data\":{\"Location\":{\"latitude\":1,\"longitude\":2}},\"vin\":\"" + VIN + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(WebhookDelivery.withoutLocation(onlyLocation, fields)).isEmpty();
        WebhookDelivery.Event plain = new WebhookDelivery.Event("3-9", VIN, "data",
                ("{\"data\":{\"BatteryLevel\":80},\"vin\":\"" + VIN + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(WebhookDelivery.withoutLocation(plain, fields)).get().isSameAs(plain);
    }
}
