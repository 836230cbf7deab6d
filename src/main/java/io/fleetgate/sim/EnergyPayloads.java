package io.fleetgate.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Energy site payloads (fleet-api.md §7): products entry, site_info, live_status, calendar_history. */
final class EnergyPayloads {

    private static final double PACK_ENERGY_WH = 13_500;
    private static final double PEAK_SOLAR_W = 6_400;
    private static final DateTimeFormatter ISO_OFFSET = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final ObjectMapper json;
    private final Clock clock;

    EnergyPayloads(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** The time zone a site of this owner is installed in. */
    static ZoneId siteZone(SimUser owner) {
        return ZoneId.of(switch (owner == null ? "na" : owner.region()) {
            case "eu" -> "Europe/Berlin";
            case "cn" -> "Asia/Shanghai";
            default -> "America/Los_Angeles";
        });
    }

    ObjectNode product(SimEnergySite site, SimUser owner) {
        double charged = percentageCharged(site);
        ObjectNode node = json.createObjectNode()
                .put("energy_site_id", site.energySiteId())
                .put("device_type", "energy")
                .put("resource_type", "battery")
                .put("site_name", site.siteName())
                .put("id", serialNumber(site))
                .put("gateway_id", "1232100-00-E--TG" + (site.energySiteId() % 1_000_000_000L))
                .put("asset_site_id", VehiclePayloads.vaultUuid("site:" + site.energySiteId()))
                .put("warp_site_number", serialNumber(site))
                .put("energy_left", Math.round(PACK_ENERGY_WH * charged) / 100.0)
                .put("total_pack_energy", PACK_ENERGY_WH)
                .put("percentage_charged", charged)
                .put("battery_type", "ac_powerwall")
                .put("backup_capable", true)
                .put("battery_power", Math.round(batteryPower(site)))
                .put("storm_mode_enabled", site.stormModeEnabled())
                .put("powerwall_onboarding_settings_set", true);
        ObjectNode components = node.putObject("components")
                .put("battery", true)
                .put("battery_type", "ac_powerwall")
                .put("solar", true)
                .put("solar_type", "pv_panel")
                .put("grid", true)
                .put("load_meter", true)
                .put("market_type", "residential");
        components.putArray("wall_connectors");
        return node;
    }

    ObjectNode siteInfo(SimEnergySite site, SimUser owner) {
        ObjectNode node = json.createObjectNode()
                .put("id", serialNumber(site))
                .put("site_name", site.siteName())
                .put("backup_reserve_percent", site.backupReservePercent())
                .put("default_real_mode", site.operationMode())
                .put("installation_date", "2023-04-12T10:21:13-07:00")
                .put("version", "24.12.5 1f4a3b8e")
                .put("battery_count", 1)
                .put("nameplate_power", 5_000)
                .put("nameplate_energy", (int) PACK_ENERGY_WH)
                .put("installation_time_zone", siteZone(owner).getId())
                .put("max_site_meter_power_ac", 1_000_000_000)
                .put("min_site_meter_power_ac", -1_000_000_000)
                .put("vpp_backup_reserve_percent", site.backupReservePercent());
        node.putObject("user_settings")
                .put("storm_mode_enabled", site.stormModeEnabled())
                .put("off_grid_vehicle_charging_enabled", site.offGridVehicleChargingReservePercent() > 0)
                .put("off_grid_vehicle_charging_reserve_percent", site.offGridVehicleChargingReservePercent())
                .put("sync_grid_alert_enabled", true)
                .put("breaker_alert_enabled", false);
        ObjectNode components = node.putObject("components")
                .put("solar", true)
                .put("solar_type", "pv_panel")
                .put("battery", true)
                .put("grid", true)
                .put("backup", true)
                .put("gateway", "teg")
                .put("load_meter", true)
                .put("tou_capable", true)
                .put("storm_mode_capable", true)
                .put("flex_energy_request_capable", false)
                .put("car_charging_data_supported", false)
                .put("off_grid_vehicle_charging_reserve_supported", true)
                .put("vehicle_charging_performance_view_enabled", false)
                .put("vehicle_charging_solar_offset_view_enabled", false)
                .put("battery_solar_offset_view_enabled", true)
                .put("set_islanding_mode_enabled", true)
                .put("backup_time_remaining_enabled", true)
                .put("battery_type", "ac_powerwall")
                .put("configurable", true)
                .put("grid_services_enabled", false)
                .put("customer_preferred_export_rule", "pv_only");
        components.putArray("batteries").addObject()
                .put("device_id", VehiclePayloads.vaultUuid("battery:" + site.energySiteId()))
                .put("din", "3012170-05-C--TG" + (site.energySiteId() % 1_000_000_000L))
                .put("serial_number", "TG" + (site.energySiteId() % 1_000_000_000L))
                .put("part_number", "3012170-05-C")
                .put("part_type", 2)
                .put("part_name", "Powerwall 2")
                .put("nameplate_max_charge_power", 5_000)
                .put("nameplate_max_discharge_power", 5_000)
                .put("nameplate_energy", (int) PACK_ENERGY_WH);
        components.putArray("gateways");
        components.putArray("wall_connectors");
        ObjectNode tou = node.putObject("tou_settings").put("optimization_strategy", "economics");
        tou.putArray("schedule");
        return node;
    }

    ObjectNode liveStatus(SimEnergySite site, SimUser owner) {
        double solar = solarPower(clock.instant().atZone(siteZone(owner)));
        double load = 1_350;
        double battery = batteryPower(site);
        return json.createObjectNode()
                .put("solar_power", Math.round(solar))
                .put("energy_left", Math.round(PACK_ENERGY_WH * percentageCharged(site)) / 100.0)
                .put("total_pack_energy", PACK_ENERGY_WH)
                .put("percentage_charged", percentageCharged(site))
                .put("backup_capable", true)
                .put("battery_power", Math.round(battery))
                .put("load_power", Math.round(load))
                .put("grid_status", "Active")
                .put("grid_services_active", false)
                .put("grid_power", Math.round(load - solar - battery))
                .put("grid_services_power", 0)
                .put("generator_power", 0)
                .put("island_status", "on_grid")
                .put("storm_mode_active", false)
                .put("battery_breaker_open", false)
                .put("timestamp", clock.instant().atZone(siteZone(owner)).truncatedTo(ChronoUnit.SECONDS)
                        .format(ISO_OFFSET))
                .set("wall_connectors", json.createArrayNode());
    }

    /** {@code kind=energy}: a time series for the period that contains {@code end}. */
    ObjectNode energyHistory(SimEnergySite site, String period, ZonedDateTime end) {
        ObjectNode node = json.createObjectNode()
                .put("serial_number", serialNumber(site))
                .put("period", period)
                .put("installation_time_zone", end.getZone().getId());
        ArrayNode series = node.putArray("time_series");
        LocalDate day = end.toLocalDate();
        switch (period) {
            case "day" -> {
                ZonedDateTime start = day.atStartOfDay(end.getZone());
                for (int hour = 0; hour < 24; hour++) {
                    ZonedDateTime at = start.plusHours(hour);
                    series.add(energyEntry(at, solarPower(at.plusMinutes(30)), 1_350));
                }
            }
            case "week" -> daily(series, day.minusDays(6), 7, end.getZone());
            case "month" -> daily(series, day.withDayOfMonth(1), day.lengthOfMonth(), end.getZone());
            case "year" -> {
                for (int month = 1; month <= 12; month++) {
                    ZonedDateTime at = day.withDayOfYear(1).withMonth(month).atStartOfDay(end.getZone());
                    series.add(energyEntry(at, 30 * 26_500.0, 30 * 32_400.0));
                }
            }
            default -> series.add(energyEntry(LocalDate.of(2023, 4, 12).atStartOfDay(end.getZone()),
                    620 * 26_500.0, 620 * 32_400.0));
        }
        return node;
    }

    /** {@code kind=backup}: grid outages the site rode through. */
    ObjectNode backupHistory(ZonedDateTime end) {
        ObjectNode node = json.createObjectNode();
        node.putArray("events").addObject()
                .put("timestamp", end.minusDays(3).truncatedTo(ChronoUnit.HOURS).format(ISO_OFFSET))
                .put("duration", Duration.ofMinutes(47).toMillis());
        return node.put("total_events", 1);
    }

    private void daily(ArrayNode series, LocalDate first, int days, ZoneId zone) {
        for (int i = 0; i < days; i++) {
            series.add(energyEntry(first.plusDays(i).atStartOfDay(zone), 26_500 - (i % 3) * 2_100, 32_400));
        }
    }

    /** One entry in Wh: solar covers the load first, the rest is split between battery and export. */
    private ObjectNode energyEntry(ZonedDateTime at, double solar, double load) {
        double solarToHome = Math.min(solar, load * 0.6);
        double solarToBattery = Math.min(solar - solarToHome, load * 0.3);
        double solarExport = solar - solarToHome - solarToBattery;
        double fromBattery = load * 0.25;
        double fromGrid = Math.max(0, load - solarToHome - fromBattery);
        return json.createObjectNode()
                .put("timestamp", at.format(ISO_OFFSET))
                .put("solar_energy_exported", Math.round(solar))
                .put("generator_energy_exported", 0)
                .put("grid_energy_imported", Math.round(fromGrid))
                .put("grid_services_energy_imported", 0)
                .put("grid_services_energy_exported", 0)
                .put("grid_energy_exported_from_solar", Math.round(solarExport))
                .put("grid_energy_exported_from_generator", 0)
                .put("grid_energy_exported_from_battery", 0)
                .put("battery_energy_exported", Math.round(fromBattery))
                .put("battery_energy_imported_from_grid", 0)
                .put("battery_energy_imported_from_solar", Math.round(solarToBattery))
                .put("battery_energy_imported_from_generator", 0)
                .put("consumer_energy_imported_from_grid", Math.round(fromGrid))
                .put("consumer_energy_imported_from_solar", Math.round(solarToHome))
                .put("consumer_energy_imported_from_battery", Math.round(fromBattery))
                .put("consumer_energy_imported_from_generator", 0);
    }

    /** Daylight bell curve between 06:00 and 20:00 local time. */
    private static double solarPower(ZonedDateTime at) {
        double hour = at.getHour() + at.getMinute() / 60.0;
        return hour <= 6 || hour >= 20 ? 0 : PEAK_SOLAR_W * Math.sin((hour - 6) / 14 * Math.PI);
    }

    private static double percentageCharged(SimEnergySite site) {
        return Math.min(100.0, site.backupReservePercent() + 52.25);
    }

    private static double batteryPower(SimEnergySite site) {
        return site.operationMode().equals("backup") ? -1_800 : 420;
    }

    private static String serialNumber(SimEnergySite site) {
        return "STE20230412-" + String.format("%05d", site.energySiteId() % 100_000);
    }
}
