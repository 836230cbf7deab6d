package io.fleetgate.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Handlers for {@code /api/1/energy_sites/{id}/...}. */
final class EnergyEndpoints {

    static final Set<String> COMMANDS = Set.of("backup", "operation", "storm_mode", "grid_import_export",
            "off_grid_vehicle_charging_reserve", "time_of_use_settings");
    private static final Set<String> PERIODS = Set.of("day", "week", "month", "year", "lifetime");
    private static final Set<String> EXPORT_RULES = Set.of("battery_ok", "pv_only", "never");

    private final SimulatedFleet fleet;
    private final EnergyPayloads payloads;
    private final FleetErrors errors;
    private final Envelope envelope;
    private final Clock clock;

    EnergyEndpoints(SimulatedFleet fleet, EnergyPayloads payloads, FleetErrors errors, Envelope envelope,
                    Clock clock) {
        this.fleet = fleet;
        this.payloads = payloads;
        this.errors = errors;
        this.envelope = envelope;
        this.clock = clock;
    }

    Reply siteInfo(ApiCall call) {
        return withSite(call, site -> envelope.ok(payloads.siteInfo(site, call.user())));
    }

    Reply liveStatus(ApiCall call) {
        return withSite(call, site -> envelope.ok(payloads.liveStatus(site, call.user())));
    }

    /** {@code GET .../calendar_history?kind=energy|backup&period=&end_date=&time_zone=}. */
    Reply calendarHistory(ApiCall call) {
        return withSite(call, site -> {
            String kind = call.query("kind").orElse("");
            String period = call.query("period").orElse("day");
            if (!kind.equals("energy") && !kind.equals("backup")) {
                return errors.invalidField("kind must be energy or backup");
            }
            if (!PERIODS.contains(period)) {
                return errors.invalidField("period must be one of day, week, month, year, lifetime");
            }
            ZoneId zone;
            ZonedDateTime end;
            try {
                zone = call.query("time_zone").map(ZoneId::of).orElse(EnergyPayloads.siteZone(call.user()));
                end = call.query("end_date")
                        .map(text -> OffsetDateTime.parse(text).atZoneSameInstant(zone))
                        .orElse(clock.instant().atZone(zone));
            } catch (DateTimeException badTime) {
                return errors.invalidField("end_date must be RFC 3339 and time_zone an IANA zone");
            }
            return envelope.ok(kind.equals("energy")
                    ? payloads.energyHistory(site, period, end)
                    : payloads.backupHistory(end));
        });
    }

    /** {@code POST .../{command}}: validates the body, applies it, answers {@code code 201, "Updated"}. */
    Reply command(ApiCall call) {
        String name = call.pathParam("command");
        if (!COMMANDS.contains(name)) {
            return errors.notFound();
        }
        return withSite(call, site -> {
            Optional<JsonNode> parsed = envelope.parse(call.bodyText());
            if (parsed.isEmpty() || !parsed.get().isObject()) {
                return errors.invalidField("body must be a JSON object");
            }
            JsonNode body = parsed.get();
            Optional<String> problem = apply(site, name, body);
            if (problem.isPresent()) {
                return errors.invalidField(problem.get());
            }
            return envelope.ok(envelope.mapper().createObjectNode().put("code", 201).put("message", "Updated"));
        });
    }

    /** Changes the site as the command says; returns what is wrong with the body, if anything. */
    private Optional<String> apply(SimEnergySite site, String name, JsonNode body) {
        long id = site.energySiteId();
        switch (name) {
            case "backup" -> {
                JsonNode percent = body.path("backup_reserve_percent");
                if (!isPercent(percent)) {
                    return Optional.of("backup_reserve_percent must be an integer 0..100");
                }
                fleet.updateEnergySite(id, s -> s.withBackupReservePercent(percent.asInt()));
            }
            case "operation" -> {
                String mode = body.path("default_real_mode").asText("");
                if (!SimEnergySite.OPERATION_MODES.contains(mode)) {
                    return Optional.of("default_real_mode must be autonomous, self_consumption or backup");
                }
                fleet.updateEnergySite(id, s -> s.withOperationMode(mode));
            }
            case "storm_mode" -> {
                JsonNode enabled = body.path("enabled");
                if (!enabled.isBoolean()) {
                    return Optional.of("enabled must be a boolean");
                }
                fleet.updateEnergySite(id, s -> s.withStormModeEnabled(enabled.asBoolean()));
            }
            case "off_grid_vehicle_charging_reserve" -> {
                JsonNode percent = body.path("off_grid_vehicle_charging_reserve_percent");
                if (!isPercent(percent)) {
                    return Optional.of("off_grid_vehicle_charging_reserve_percent must be an integer 0..100");
                }
                fleet.updateEnergySite(id, s -> s.withOffGridVehicleChargingReservePercent(percent.asInt()));
            }
            case "grid_import_export" -> {
                JsonNode rule = body.path("customer_preferred_export_rule");
                JsonNode disallow = body.path("disallow_charge_from_grid_with_solar_installed");
                boolean ruleOk = rule.isMissingNode() || EXPORT_RULES.contains(rule.asText());
                boolean disallowOk = disallow.isMissingNode() || disallow.isBoolean();
                if (!ruleOk || !disallowOk || (rule.isMissingNode() && disallow.isMissingNode())) {
                    return Optional.of("give customer_preferred_export_rule (battery_ok, pv_only, never) "
                            + "and/or disallow_charge_from_grid_with_solar_installed (boolean)");
                }
            }
            case "time_of_use_settings" -> {
                if (!body.path("tou_settings").isObject()) {
                    return Optional.of("tou_settings must be an object");
                }
            }
            default -> throw new IllegalStateException("unhandled energy command " + name);
        }
        return Optional.empty();
    }

    private Reply withSite(ApiCall call, Function<SimEnergySite, Reply> action) {
        long id;
        try {
            id = Long.parseLong(call.pathParam("site"));
        } catch (NumberFormatException notANumber) {
            return errors.notFound();
        }
        return fleet.findEnergySite(id)
                .filter(site -> site.ownerId().equals(call.user().id()))
                .map(action)
                .orElseGet(errors::notFound);
    }

    private static boolean isPercent(JsonNode node) {
        return node.canConvertToInt() && node.isIntegralNumber() && node.asInt() >= 0 && node.asInt() <= 100;
    }
}
