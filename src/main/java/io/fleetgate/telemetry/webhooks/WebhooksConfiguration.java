package io.fleetgate.telemetry.webhooks;

import io.fleetgate.account.AccountStore;
import io.fleetgate.telemetry.SignalMeter;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * Binds the webhook beans (settings {@code fleetgate.webhooks.*}) for routes/webhooks.camel.yaml
 * and the admin API: {@code webhookAdmin} ({@link WebhookAdmin}) and {@code webhookDelivery}
 * ({@link WebhookDelivery}); dead letters go through {@code direct:webhook-dead-letter}.
 */
public final class WebhooksConfiguration {
    static final String DEAD_LETTER_ENDPOINT = "direct:webhook-dead-letter";

    private WebhooksConfiguration() {}

    public static WebhookDelivery bind(CamelContext context, AccountStore accounts, Clock clock) {
        PropertiesComponent properties = context.getPropertiesComponent();
        WebhookAddresses addresses = new WebhookAddresses(
                Boolean.parseBoolean(required(properties, "fleetgate.webhooks.allow-private-addresses")), InetAddress::getAllByName);
        WebhookSettings settings = new WebhookSettings(
                millis(properties, "fleetgate.webhooks.initial-delay-ms"),
                Double.parseDouble(required(properties, "fleetgate.webhooks.multiplier")),
                millis(properties, "fleetgate.webhooks.max-delay-ms"),
                millis(properties, "fleetgate.webhooks.budget-ms"),
                millis(properties, "fleetgate.webhooks.request-timeout-ms"),
                Integer.parseInt(required(properties, "fleetgate.webhooks.queue-limit")),
                millis(properties, "fleetgate.webhooks.breaker-open-ms"));
        ProducerTemplate producer = context.createProducerTemplate();
        WebhookDelivery delivery = new WebhookDelivery(accounts, addresses, settings, clock,
                properties.resolveProperty("fleetgate.webhooks.trust-store").orElse(""),
                (key, letter) -> producer.asyncRequestBodyAndHeader(DEAD_LETTER_ENDPOINT, letter, KafkaConstants.KEY, key)
                        .exceptionally(failure -> null),
                new WebhookDelivery.Metering(millis(properties, "fleetgate.webhooks.metering-interval-ms"),
                        Long.parseLong(required(properties, "fleetgate.audit.credits.signals-per-credit")),
                        SignalMeter.auditing(context, "a webhook endpoint")));
        // as Fleetgate stops, before the routes do: what the endpoints took is audited while the audit route runs
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                delivery.meterAll();
            }
        });
        try {
            context.addService(delivery, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start webhook delivery: " + e, e);
        }
        context.getRegistry().bind("webhookDelivery", delivery);
        context.getRegistry().bind("webhookOffsets", new DeliveredOffsets());
        context.getRegistry().bind("webhookAdmin", new WebhookAdmin(accounts, addresses, clock, new SecureRandom()));
        return delivery;
    }

    private static Duration millis(PropertiesComponent properties, String key) {
        String value = required(properties, key);
        try {
            return Duration.ofMillis(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " must be a whole number of milliseconds, got: " + value);
        }
    }

    private static String required(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException("setting " + key + " is required"));
    }
}
