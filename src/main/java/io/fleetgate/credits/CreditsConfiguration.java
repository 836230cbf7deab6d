package io.fleetgate.credits;

import io.fleetgate.accountapi.AccountApi;
import io.fleetgate.accountapi.VehicleFirmware;
import io.fleetgate.command.SignedCommands;
import io.fleetgate.kafka.KafkaClientConfig;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * Binds the credit and account-endpoint beans (settings {@code fleetgate.credits.*}) for
 * {@code routes/ingress.camel.yaml}, {@code routes/commands.camel.yaml},
 * {@code routes/audit.camel.yaml} and {@code routes/account-api.camel.yaml}:
 * <ul>
 *   <li>{@code usageRollups}: {@link UsageRollups}, the audit topic aggregated per account, day and row (Kafka Streams);</li>
 *   <li>{@code creditLedger}: {@link CreditLedger}, usage totals from the roll-ups and the events since;</li>
 *   <li>{@code creditBudgets}: {@link CreditBudgets}, the 402 {@code insufficient_credits} check;</li>
 *   <li>{@code usageReports}: {@link UsageReports}, {@code GET /api/usage};</li>
 *   <li>{@code accountApi}: {@link AccountApi}, {@code /api/ping}, {@code /api/test}, {@code /api/metadata};</li>
 *   <li>{@code vehicleFirmware}: {@link VehicleFirmware}, firmware learned from {@code vehicle_data}.</li>
 * </ul>
 * "Now" for budget periods is the registry's {@code creditClock} when one is bound (tests bind a
 * clock they move by hand with {@code camel.beans.creditClock}), else the system's UTC clock.
 */
public final class CreditsConfiguration {
    private CreditsConfiguration() {}

    public static void bind(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        Clock clock = Optional.ofNullable(registry.lookupByNameAndType("creditClock", Clock.class)).orElse(Clock.systemUTC());
        Map<String, Object> kafkaClients = KafkaClientConfig.of(required(properties, "fleetgate.kafka.bootstrap-servers"),
                properties::resolveProperty);
        String auditTopic = required(properties, "fleetgate.topics.audit");
        String rollupTopic = required(properties, "fleetgate.topics.usage-rollups");
        int retentionMonths = Integer.parseInt(required(properties, "fleetgate.usage.retention-months"));
        if (retentionMonths < 1) {
            throw new IllegalStateException("setting fleetgate.usage.retention-months must be at least 1, got " + retentionMonths);
        }
        UsageRollups rollups = new UsageRollups(kafkaClients, auditTopic, rollupTopic, new UsageRollups.Settings(
                required(properties, "fleetgate.usage.application-id"), UsageRollups.retentionOfMonths(retentionMonths),
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.usage.commit-interval-ms"))),
                Path.of(required(properties, "fleetgate.usage.state-dir")),
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.usage.session-timeout-ms")))));
        CreditLedger ledger = new CreditLedger(kafkaClients, auditTopic, rollupTopic, rollups.applicationId(), clock,
                new UsageTotals(), retentionMonths);
        // the ledger reads where the aggregation had committed before it starts again; both start off
        // the start's critical path
        UsageStartup usageStartup = new UsageStartup(ledger, rollups,
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.startup.background-delay-ms"))));
        context.addService(usageStartup, true, true);
        context.addStartupListener(usageStartup);
        // the aggregation's stop begins with the context's, beside the routes' shutdown, not after it
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                rollups.beginStop();
            }
        });
        CreditBudgets budgets = new CreditBudgets(ledger, clock,
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.credits.catch-up-timeout-ms"))));
        registry.bind("usageRollups", rollups);
        registry.bind("creditLedger", ledger);
        registry.bind("creditBudgets", budgets);
        // a Predicate for the ingress filter's ref language: a method expression copies the whole exchange per call
        registry.bind("waitsForCreditTotals", (org.apache.camel.Predicate) budgets::waitsForTotals);
        registry.bind("usageReports", new UsageReports(kafkaClients, auditTopic, clock, budgets, ledger));
        VehicleFirmware firmware = new VehicleFirmware();
        registry.bind("vehicleFirmware", firmware);
        registry.bind("accountApi", new AccountApi(registry.lookupByNameAndType("signedCommands", SignedCommands.class),
                firmware, Clock.systemUTC(), required(properties, "fleetgate.regions.default"), polled(registry)));
    }

    private static String required(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException("setting " + key + " is required"));
    }

    /** Whether a vehicle is polled, from the polling settings when they are bound. */
    private static java.util.function.Predicate<String> polled(Registry registry) {
        io.fleetgate.polling.PollingSettings settings = registry.lookupByNameAndType("pollingSettings",
                io.fleetgate.polling.PollingSettings.class);
        return settings == null ? vin -> false : settings::isOn;
    }
}
