package io.fleetgate.streamconfig;

import io.fleetgate.accountapi.VehicleFirmware;
import io.fleetgate.credits.CreditLedger;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.jws.JwsSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Binds the beans of {@code routes/teslemetry-api.camel.yaml} (settings {@code fleetgate.telemetry.server.*}
 * and {@code fleetgate.telemetry.config.*}), after the credit beans they use:
 * <ul>
 *   <li>{@code teslemetryEndpoints}: {@link VehicleEndpoints}, the per-vehicle endpoints as rows of the endpoint table;</li>
 *   <li>{@code teslemetryCalls}: {@link UpstreamCalls}, the Fleet API calls they make;</li>
 *   <li>{@code streamConfigs}: {@link StreamConfigs}, {@code /api/config/{vin}};</li>
 *   <li>{@code vehicleReads}: {@link VehicleReads}, {@code /api/vehicle_config/{vin}} and {@code /api/refresh/{vin}};</li>
 *   <li>{@code fieldsDocument}: {@link FieldsDocument}, {@code /fields.json} and {@code /api/fields};</li>
 *   <li>{@code userData}: {@link UserData}, {@code /api/userdata};</li>
 *   <li>{@code streamHookEvents}: {@link StreamHookEvents}, the stream's events for the two hooks;</li>
 *   <li>{@code pollingEndpoint}: {@link PollingEndpoint}, {@code /api/auto/{vin}};</li>
 *   <li>{@code vehiclePoller}: {@link VehiclePoller}, the polls of {@code routes/polling.camel.yaml}.</li>
 * </ul>
 * Without {@code fleetgate.telemetry.server.hostname}, or without a fleet key, a config cannot be
 * written (503, saying which is missing); reading and deleting one still work.
 */
public final class StreamConfigConfiguration {
    private StreamConfigConfiguration() {}

    public static void bind(CamelContext context, Optional<EcKeyPair> fleetKey) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        String defaultRegion = required(properties, "fleetgate.regions.default");
        VehicleFirmware firmware = registry.lookupByNameAndType("vehicleFirmware", VehicleFirmware.class);
        CreditLedger ledger = registry.lookupByNameAndType("creditLedger", CreditLedger.class);
        Clock creditClock = Optional.ofNullable(registry.lookupByNameAndType("creditClock", Clock.class)).orElse(Clock.systemUTC());
        FieldCatalogue catalogue = FieldCatalogue.load();

        registry.bind("teslemetryEndpoints", new VehicleEndpoints());
        registry.bind("teslemetryCalls", new UpstreamCalls());
        registry.bind("streamConfigs", new StreamConfigs(catalogue, fleetKey.map(JwsSigner::new), server(properties),
                firmware, Clock.systemUTC(), defaultRegion));
        registry.bind("vehicleReads", new VehicleReads(firmware, defaultRegion));
        registry.bind("fieldsDocument", new FieldsDocument(catalogue, defaultRegion));
        registry.bind("streamHookEvents", new StreamHookEvents(new io.fleetgate.telemetry.TeslemetryEvents(),
                io.fleetgate.json.JsonMappers.newMapper(), Clock.systemUTC()));
        io.fleetgate.polling.PollingSettings polling = registry.lookupByNameAndType("pollingSettings",
                io.fleetgate.polling.PollingSettings.class);
        registry.bind("pollingEndpoint", new PollingEndpoint(polling, Clock.systemUTC(), defaultRegion));
        registry.bind("vehiclePoller", new VehiclePoller(polling, registry.lookupByNameAndType("pollingOwnership",
                io.fleetgate.polling.PollingOwnership.class), registry.lookupByNameAndType("accountStore",
                io.fleetgate.account.AccountStore.class), Clock.systemUTC()));
        registry.bind("userData", new UserData(ledger, creditClock,
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.credits.catch-up-timeout-ms"))), defaultRegion));
    }

    /** The fleet-telemetry server from settings; empty without a host name. */
    static Optional<TelemetryServer> server(PropertiesComponent properties) {
        Optional<String> hostname = optional(properties, "fleetgate.telemetry.server.hostname");
        if (hostname.isEmpty()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(required(properties, "fleetgate.telemetry.server.port"));
        Optional<String> ca = optional(properties, "fleetgate.telemetry.server.ca").map(pem -> pem.replace("\\n", "\n"));
        Optional<String> caFile = optional(properties, "fleetgate.telemetry.server.ca-file");
        if (ca.isPresent() && caFile.isPresent()) {
            throw new IllegalStateException("set fleetgate.telemetry.server.ca or fleetgate.telemetry.server.ca-file, not both");
        }
        if (caFile.isPresent()) {
            try {
                ca = Optional.of(Files.readString(Path.of(caFile.get()), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read fleetgate.telemetry.server.ca-file " + caFile.get(), e);
            }
        }
        List<String> alertTypes = optional(properties, "fleetgate.telemetry.config.alert-types")
                .map(list -> Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        Duration lifetime = Duration.ofDays(Long.parseLong(required(properties, "fleetgate.telemetry.config.lifetime-days")));
        return Optional.of(new TelemetryServer(hostname.get(), port, ca, alertTypes, lifetime));
    }

    private static Optional<String> optional(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static String required(PropertiesComponent properties, String key) {
        return optional(properties, key).orElseThrow(() -> new IllegalStateException("setting " + key + " is required"));
    }
}
