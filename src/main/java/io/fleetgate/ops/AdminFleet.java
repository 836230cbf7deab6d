package io.fleetgate.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import io.fleetgate.account.AdminAccounts;
import io.fleetgate.accountapi.VehicleFirmware;
import io.fleetgate.command.CommandIntake;
import io.fleetgate.command.SignedCommands;
import io.fleetgate.command.VehicleStates;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.telemetry.LastValue;
import io.fleetgate.telemetry.LastValues;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * {@code GET /admin/fleet}: every vehicle and energy site of every account, with what this
 * replica has learned of each from the Fleet API's answers passing through it: the last state
 * and since when (or the last {@code state} event, when newer), whether it streams
 * (its last connectivity record), whether Fleetgate signs its commands, its firmware, its commands
 * queued here, and the key pairing link. Nothing is asked of Tesla for this view.
 */
public final class AdminFleet {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final AccountStore accounts;
    private final VehicleStates states;
    private final SignedCommands signing;
    private final VehicleFirmware firmware;
    private final CommandIntake commands;
    /** Empty when Fleetgate ingests no telemetry. */
    private final Optional<LastValues> streamed;

    public AdminFleet(AccountStore accounts, VehicleStates states, SignedCommands signing, VehicleFirmware firmware,
                      CommandIntake commands, Optional<LastValues> streamed) {
        this.accounts = accounts;
        this.states = states;
        this.signing = signing;
        this.firmware = firmware;
        this.commands = commands;
        this.streamed = streamed;
    }

    public void list(Exchange exchange) {
        ObjectNode fleet = JSON.createObjectNode();
        ArrayNode vehicles = fleet.putArray("vehicles");
        ArrayNode sites = fleet.putArray("energy_sites");
        Optional<String> pairingLink = signing.pairingLink();
        accounts.all().stream().sorted(Comparator.comparing(Account::id)).forEach(account -> {
            account.subscription().vins().stream().sorted().forEach(vin -> vehicles.add(vehicle(account, vin, pairingLink)));
            account.subscription().energySites().stream().sorted().forEach(site -> sites.addObject()
                    .put("energy_site_id", site).put("account_id", account.id()).put("region", account.region().code()));
        });
        AdminAccounts.answer(exchange, 200, fleet);
    }

    /** One vehicle of an account, as the fleet list shows it. */
    public ObjectNode vehicle(Account account, String vin) {
        return vehicle(account, vin, signing.pairingLink());
    }

    private ObjectNode vehicle(Account account, String vin, Optional<String> pairingLink) {
        ObjectNode vehicle = JSON.createObjectNode();
        vehicle.put("vin", vin);
        vehicle.put("account_id", account.id());
        vehicle.put("region", account.region().code());
        Optional<VehicleStates.LastKnown> learned = states.lastKnown(vin);
        Optional<VehicleStates.LastKnown> event = streamedValue(vin, "state").filter(v -> v.value().isTextual())
                .map(v -> new VehicleStates.LastKnown(v.value().asText(), v.createdAt(), v.createdAt()));
        Optional<VehicleStates.LastKnown> known = newest(learned, event);
        vehicle.put("state", known.map(VehicleStates.LastKnown::state).orElse("unknown"));
        vehicle.put("state_as_of", known.map(k -> k.learnedAt().toString()).orElse(null));
        vehicle.put("state_since", known.map(k -> since(k, event).toString()).orElse(null));
        Optional<LastValue> connectivity = streamedValue(vin, "connectivity");
        vehicle.put("streaming", connectivity.map(v -> v.value().path("status").asText().toLowerCase(Locale.ROOT)).orElse(null));
        vehicle.put("streaming_as_of", connectivity.map(v -> v.createdAt().toString()).orElse(null));
        signing.signing(vin).ifPresentOrElse(value -> vehicle.put("signing", value), () -> vehicle.putNull("signing"));
        vehicle.put("firmware", firmware.firmware(vin).orElse(null));
        vehicle.put("queued_commands", commands.laneDepth(vin));
        vehicle.put("pairing_url", pairingLink.orElse(null));
        return vehicle;
    }

    /**
     * Since when the vehicle has been in its state. State events are published only when a state
     * differs from the last one, by every replica, so the last one's time is the change when it
     * agrees; otherwise (no telemetry, or its event not back yet) the change this replica saw.
     */
    private static java.time.Instant since(VehicleStates.LastKnown known, Optional<VehicleStates.LastKnown> event) {
        return event.filter(e -> e.state().equals(known.state())).map(VehicleStates.LastKnown::since).orElse(known.since());
    }

    private Optional<LastValue> streamedValue(String vin, String key) {
        return streamed.flatMap(values -> values.get(vin, key));
    }

    /** The later of what the command stage learned here and the last state event on Kafka. */
    private static Optional<VehicleStates.LastKnown> newest(Optional<VehicleStates.LastKnown> a, Optional<VehicleStates.LastKnown> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.or(() -> b);
        }
        return a.get().learnedAt().isBefore(b.get().learnedAt()) ? b : a;
    }
}
