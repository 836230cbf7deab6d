package io.fleetgate.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/** The vehicle object (fleet-api.md §6.1) and the smaller per-vehicle reads (§5.2). */
final class VehiclePayloads {

    private final ObjectMapper json;
    private final Clock clock;

    VehiclePayloads(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** As returned by {@code /vehicles}, {@code /vehicles/{tag}} and {@code wake_up}. */
    ObjectNode vehicle(SimVehicle v, SimUser owner) {
        CarTraits car = CarTraits.of(v, owner);
        HexFormat hex = HexFormat.of();
        ObjectNode node = json.createObjectNode()
                .put("id", v.id())
                .put("vehicle_id", car.vehicleId())
                .put("vin", v.vin())
                .putNull("color")
                .put("access_type", "OWNER")
                .put("display_name", v.displayName())
                .putNull("option_codes");
        node.putObject("granular_access").put("hide_private", false);
        node.putArray("tokens")
                .add(hex.toHexDigits(v.id() * 31 + 7))
                .add(hex.toHexDigits(v.id() * 17 + 3));
        return node.put("state", v.state().wire())
                .put("in_service", false)
                .put("id_s", Long.toString(v.id()))
                .put("calendar_enabled", true)
                .put("api_version", 81)
                .putNull("backseat_token")
                .putNull("backseat_token_updated_at")
                .put("ble_autopair_enrolled", false);
    }

    /** The {@code /products} entry: the vehicle object plus product fields. */
    ObjectNode product(SimVehicle v, SimUser owner) {
        return vehicle(v, owner)
                .put("device_type", "vehicle")
                .put("command_signing", v.requiresSigning() ? "required" : "allowed")
                .put("mobile_access_disabled", false)
                .put("cached_data", "")
                .put("release_notes_supported", true);
    }

    ObjectNode mobileEnabled() {
        return json.createObjectNode().put("result", true).put("reason", "");
    }

    ObjectNode nearbyChargingSites(SimVehicle v, SimUser owner) {
        CarTraits car = CarTraits.of(v, owner);
        ObjectNode node = json.createObjectNode()
                .put("congestion_sync_time_utc_secs", clock.instant().getEpochSecond() - 42);
        ObjectNode destination = node.putArray("destination_charging").addObject();
        location(destination, car.latitude() + 0.0042, car.longitude() + 0.0061);
        destination.put("name", "Simulated Hotel & Spa").put("type", "destination")
                .put("distance_miles", 0.46).put("amenities", "restrooms,wifi,lodging");
        ObjectNode supercharger = node.putArray("superchargers").addObject();
        location(supercharger, car.latitude() - 0.0125, car.longitude() + 0.0094);
        supercharger.put("name", "Simulated Supercharger").put("type", "supercharger")
                .put("distance_miles", 1.12).put("available_stalls", 9).put("total_stalls", 12)
                .put("site_closed", false).put("amenities", "restrooms,wifi,cafe")
                .put("billing_info", "");
        return node.put("timestamp", clock.millis());
    }

    private static void location(ObjectNode site, double lat, double lon) {
        site.putObject("location").put("lat", round(lat)).put("long", round(lon));
    }

    ObjectNode recentAlerts() {
        ObjectNode node = json.createObjectNode();
        node.putArray("recent_alerts").addObject()
                .put("name", "Name_Of_The_Alert")
                .put("time", clock.instant().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS).toString())
                .put("user_text", "additional description text")
                .set("audience", json.createArrayNode().add("service-fix").add("customer"));
        return node;
    }

    ObjectNode releaseNotes(SimVehicle v) {
        ObjectNode node = json.createObjectNode();
        node.putArray("release_notes").addObject()
                .put("title", "Simulated Improvements")
                .put("subtitle", "Things got better")
                .put("description", "This simulated release makes the simulated car a little better.")
                .put("customer_version", v.firmwareVersion())
                .put("icon", "release_notes_icon")
                .put("image_url", "https://vehicle-files.prd.usw2.vn.cloud.tesla.com/release_notes/sim.png")
                .put("light_image_url", "https://vehicle-files.prd.usw2.vn.cloud.tesla.com/release_notes/sim-light.png");
        return node;
    }

    ObjectNode serviceData() {
        return json.createObjectNode()
                .put("service_status", "not_in_service")
                .putNull("service_etc")
                .putNull("service_visit_number")
                .put("status_id", 0);
    }

    ArrayNode drivers(SimUser owner) {
        long userId = CarTraits.numericUserId(owner);
        ArrayNode drivers = json.createArrayNode();
        ObjectNode driver = drivers.addObject()
                .put("my_tesla_unique_id", userId + 8_000_000L)
                .put("user_id", userId)
                .put("user_id_s", Long.toString(userId))
                .put("vault_uuid", vaultUuid(owner == null ? "" : owner.id()))
                .put("driver_first_name", owner == null ? "" : owner.fullName().split(" ")[0])
                .put("driver_last_name", owner == null ? "" : lastName(owner.fullName()))
                .put("public_key", "");
        driver.putObject("granular_access").put("hide_private", false);
        driver.putArray("active_pubkeys");
        return drivers;
    }

    static String vaultUuid(String userId) {
        return UUID.nameUUIDFromBytes(("vault:" + userId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static double round(double value) {
        return Math.round(value * 1_000_000) / 1_000_000.0;
    }

    private static String lastName(String fullName) {
        int space = fullName.lastIndexOf(' ');
        return space < 0 ? "" : fullName.substring(space + 1);
    }
}
