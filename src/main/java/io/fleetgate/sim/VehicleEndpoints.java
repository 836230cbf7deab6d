package io.fleetgate.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Handlers for {@code /api/1/vehicles/...}. Each returns the reply; the router writes it. */
final class VehicleEndpoints {

    private static final int MAX_PER_PAGE = 100;
    /** Key cards and phone keys a car has besides the command keys paired in the simulator. */
    private static final int PHYSICAL_KEYS = 4;

    private final SimulatedFleet fleet;
    private final VehiclePayloads payloads;
    private final VehicleDataPayloads dataPayloads;
    private final FleetErrors errors;
    private final Envelope envelope;

    VehicleEndpoints(SimulatedFleet fleet, VehiclePayloads payloads, VehicleDataPayloads dataPayloads,
                     FleetErrors errors, Envelope envelope) {
        this.fleet = fleet;
        this.payloads = payloads;
        this.dataPayloads = dataPayloads;
        this.errors = errors;
        this.envelope = envelope;
    }

    /** {@code GET /api/1/vehicles?page=&per_page=}: one page plus {@code pagination} and {@code count}. */
    Reply list(ApiCall call) {
        Optional<Integer> page = positive(call.query("page").orElse("1"));
        Optional<Integer> perPage = positive(call.query("per_page").orElse(Integer.toString(MAX_PER_PAGE)));
        if (page.isEmpty() || perPage.isEmpty()) {
            return errors.invalidField("page and per_page must be positive integers");
        }
        int size = Math.min(perPage.get(), MAX_PER_PAGE);
        List<SimVehicle> all = fleet.vehiclesOf(call.user().id());
        int pages = Math.max(1, (all.size() + size - 1) / size);
        ArrayNode items = envelope.mapper().createArrayNode();
        all.stream().skip((long) (page.get() - 1) * size).limit(size)
                .forEach(v -> items.add(payloads.vehicle(v, call.user())));
        ObjectNode body = envelope.wrap(items);
        ObjectNode pagination = body.putObject("pagination");
        if (page.get() > 1) {
            pagination.put("previous", page.get() - 1);
        } else {
            pagination.putNull("previous");
        }
        if (page.get() < pages) {
            pagination.put("next", page.get() + 1);
        } else {
            pagination.putNull("next");
        }
        pagination.put("current", page.get()).put("per_page", size).put("count", all.size()).put("pages", pages);
        body.put("count", all.size());
        return Reply.json(200, body.toString());
    }

    /** {@code GET /api/1/vehicles/{tag}}: the cached vehicle object; never wakes the car. */
    Reply one(ApiCall call) {
        return withVehicle(call, v -> envelope.ok(payloads.vehicle(v, call.user())));
    }

    /** {@code GET .../vehicle_data?endpoints=a;b}: 408 unless online. */
    Reply vehicleData(ApiCall call) {
        Set<String> sections = call.query("endpoints").stream()
                .flatMap(value -> Arrays.stream(value.split("[;,]")))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return withOnlineVehicle(call, v -> envelope.ok(dataPayloads.vehicleData(v, call.user(), sections)));
    }

    /** {@code POST .../wake_up}: answers at once; the car is online after its wake delay. */
    Reply wakeUp(ApiCall call) {
        return withVehicle(call, v -> envelope.ok(payloads.vehicle(fleet.requestWake(v.vin()), call.user())));
    }

    /** {@code POST /api/1/vehicles/fleet_status} with {@code {"vins":[...]}}. */
    Reply fleetStatus(ApiCall call) {
        Optional<JsonNode> body = envelope.parse(call.bodyText());
        JsonNode vins = body.map(b -> b.path("vins")).orElse(null);
        if (vins == null || !vins.isArray() || vins.isEmpty()) {
            return errors.invalidField("vins must be a non-empty array of VINs");
        }
        ObjectNode status = envelope.mapper().createObjectNode();
        ArrayNode paired = status.putArray("key_paired_vins");
        ArrayNode unpaired = status.putArray("unpaired_vins");
        ObjectNode info = status.putObject("vehicle_info");
        for (JsonNode entry : vins) {
            String vin = entry.asText();
            Optional<SimVehicle> owned = fleet.findVehicle(vin).filter(v -> isOwnedBy(v, call.user()));
            if (owned.isEmpty()) {
                // Tesla tells nothing about cars outside the account; they are simply not paired.
                unpaired.add(vin);
                continue;
            }
            SimVehicle v = owned.get();
            // Tesla answers for the calling app's key; the simulator cannot tell which key that is
            // from a REST call, so a car with any key in its keychain counts as paired.
            (v.keyPaired() ? paired : unpaired).add(vin);
            info.putObject(vin)
                    .put("firmware_version", v.firmwareVersion())
                    .put("vehicle_command_protocol_required", v.requiresSigning())
                    .put("discounted_device_data", false)
                    .put("fleet_telemetry_version", "1.0.2")
                    .put("total_number_of_keys", PHYSICAL_KEYS + v.pairedKeys().size());
        }
        return envelope.ok(status);
    }

    Reply mobileEnabled(ApiCall call) {
        return withOnlineVehicle(call, v -> envelope.ok(payloads.mobileEnabled()));
    }

    Reply nearbyChargingSites(ApiCall call) {
        return withOnlineVehicle(call, v -> envelope.ok(payloads.nearbyChargingSites(v, call.user())));
    }

    Reply recentAlerts(ApiCall call) {
        return withVehicle(call, v -> envelope.ok(payloads.recentAlerts()));
    }

    Reply releaseNotes(ApiCall call) {
        return withVehicle(call, v -> envelope.ok(payloads.releaseNotes(v)));
    }

    Reply serviceData(ApiCall call) {
        return withVehicle(call, v -> envelope.ok(payloads.serviceData()));
    }

    Reply drivers(ApiCall call) {
        return withVehicle(call, v -> envelope.okList(payloads.drivers(call.user())));
    }

    /**
     * {@code POST .../command/{name}}: 403 when the car needs signed commands (checked in the cloud,
     * so before the car's state), 408 unless online, otherwise {@code result:true}.
     */
    Reply command(ApiCall call) {
        String name = call.pathParam("name");
        if (!call.allows(VehicleCommands.scopesFor(name))) {
            return errors.missingScopes();
        }
        return withVehicle(call, v -> {
            if (!VehicleCommands.isKnown(name)) {
                return errors.invalidCommand();
            }
            if (v.requiresSigning() && !call.gatesOpen()) {
                return errors.signingRequired();
            }
            if (!v.isOnline() && !call.gatesOpen()) {
                return errors.vehicleUnavailable();
            }
            ObjectNode result = envelope.mapper().createObjectNode().put("result", true);
            if (name.equals("navigation_request")) {
                result.put("queued", true);
            } else {
                result.put("reason", "");
            }
            return envelope.ok(result);
        });
    }

    private Reply withVehicle(ApiCall call, Function<SimVehicle, Reply> action) {
        return fleet.findVehicleByTag(call.pathParam("tag"))
                .filter(v -> isOwnedBy(v, call.user()))
                .map(action)
                .orElseGet(errors::notFound);
    }

    private Reply withOnlineVehicle(ApiCall call, Function<SimVehicle, Reply> action) {
        return withVehicle(call, v -> v.isOnline() || call.gatesOpen() ? action.apply(v) : errors.vehicleUnavailable());
    }

    private static boolean isOwnedBy(SimVehicle vehicle, SimUser user) {
        return vehicle.ownerId().equals(user.id());
    }

    private static Optional<Integer> positive(String text) {
        try {
            int value = Integer.parseInt(text.trim());
            return value > 0 ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }
}
