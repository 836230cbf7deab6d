package io.fleetgate.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Handlers for {@code /api/1/users/...} and {@code /api/1/products}. */
final class UserEndpoints {

    private final SimulatedFleet fleet;
    private final RegionDirectory directory;
    private final VehiclePayloads vehicles;
    private final EnergyPayloads energy;
    private final Envelope envelope;

    UserEndpoints(SimulatedFleet fleet, RegionDirectory directory, VehiclePayloads vehicles,
                  EnergyPayloads energy, Envelope envelope) {
        this.fleet = fleet;
        this.directory = directory;
        this.vehicles = vehicles;
        this.energy = energy;
        this.envelope = envelope;
    }

    /** {@code GET /api/1/users/region}: the user's region and its base URL on this simulator. */
    Reply region(ApiCall call) {
        String region = call.user().region();
        return envelope.ok(envelope.mapper().createObjectNode()
                .put("region", region)
                .put("fleet_api_base_url", directory.baseUrl(region)));
    }

    Reply me(ApiCall call) {
        SimUser user = call.user();
        return envelope.ok(envelope.mapper().createObjectNode()
                .put("email", user.email())
                .put("full_name", user.fullName())
                .put("profile_image_url", "https://vehicle-files.prd.usw2.vn.cloud.tesla.com/profile_images/"
                        + VehiclePayloads.vaultUuid(user.id()) + ".jpg")
                .put("vault_uuid", VehiclePayloads.vaultUuid(user.id())));
    }

    /** Active orders: one reservation per user, so clients have something to render. */
    Reply orders(ApiCall call) {
        ArrayNode orders = envelope.mapper().createArrayNode();
        orders.addObject()
                .put("vehicleMapId", 1_234_000 + Math.floorMod(call.user().id().hashCode(), 1_000))
                .put("referenceNumber", "RN" + String.format("%09d", Math.floorMod(call.user().id().hashCode(), 1_000_000_000)))
                .putNull("vin")
                .put("orderStatus", "BOOKED")
                .put("orderSubstatus", "_Z")
                .put("modelCode", "my")
                .put("countryCode", switch (call.user().region()) {
                    case "eu" -> "DE";
                    case "cn" -> "CN";
                    default -> "US";
                })
                .put("locale", switch (call.user().region()) {
                    case "eu" -> "de_DE";
                    case "cn" -> "zh_CN";
                    default -> "en_US";
                })
                .put("mktOptions", "APBS,DV2W,IPB0,PPSW,PRM7,SC04,MDLY,WY19B,MTY13,STY5S,CPF0,TW01")
                .put("isB2b", false);
        return envelope.okList(orders);
    }

    Reply featureConfig(ApiCall call) {
        ObjectNode config = envelope.mapper().createObjectNode();
        config.putObject("signaling")
                .put("enabled", true)
                .put("subscribe_connectivity", false)
                .put("use_auth_token", false);
        return envelope.ok(config);
    }

    Reply backupKey(ApiCall call) {
        return envelope.ok(envelope.mapper().createObjectNode().putNull("backup_key"));
    }

    /** {@code GET /api/1/products}: the user's vehicles, then energy sites, with {@code count}. */
    Reply products(ApiCall call) {
        SimUser user = call.user();
        ArrayNode products = envelope.mapper().createArrayNode();
        fleet.vehiclesOf(user.id()).forEach(v -> products.add(vehicles.product(v, user)));
        fleet.energySitesOf(user.id()).forEach(site -> products.add(energy.product(site, user)));
        return envelope.okList(products);
    }
}
