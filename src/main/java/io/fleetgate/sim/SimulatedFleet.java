package io.fleetgate.sim;

import io.fleetgate.vcp.crypto.P256;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The mutable model behind the simulator: users, their vehicles and energy sites.
 *
 * <p>Thread-safe; the regional servers, the control API and test code share one instance.
 * A wake-up completes lazily: a vehicle woken at T with delay D reads as online from the first
 * look-up at or after T+D by the attached clock, so a fake clock drives it without any timer.
 */
public final class SimulatedFleet {

    public static final List<String> REGIONS = List.of("na", "eu", "cn");

    public static final String DEMO_USER_ID = "demo";
    public static final String DEMO_ACCESS_TOKEN = "sim-na-demo-access-token";
    public static final String DEMO_EU_USER_ID = "demo-eu";
    public static final String DEMO_EU_ACCESS_TOKEN = "sim-eu-demo-access-token";

    /** Demo user, Model 3, online, REST commands accepted. */
    public static final String DEMO_VIN_ONLINE = "5YJ3E1EA6LF000001";
    /** Demo user, Model Y, online, requires the Vehicle Command Protocol (unsigned commands get 403). */
    public static final String DEMO_VIN_SIGNING = "7SAYGDEE1PF000002";
    /** Demo user, Model 3, asleep, wakes 2 s after {@code wake_up}. */
    public static final String DEMO_VIN_ASLEEP = "5YJ3E1EB7MF000003";
    /** Demo user, Model S, offline, wakes 2 s after {@code wake_up}. */
    public static final String DEMO_VIN_OFFLINE = "5YJSA1E28NF000004";
    /** EU demo user, Model 3, online. */
    public static final String DEMO_EU_VIN_ONLINE = "LRW3E7FA7MC000005";
    /** EU demo user, Model Y, asleep, requires the Vehicle Command Protocol. */
    public static final String DEMO_EU_VIN_ASLEEP = "XP7YGCEK4PB000006";
    /** Demo user's Powerwall site. */
    public static final long DEMO_ENERGY_SITE_ID = 2252147483647L;

    private final Map<String, SimUser> users = new LinkedHashMap<>();
    private final Map<String, SimVehicle> vehicles = new LinkedHashMap<>();
    private final Map<Long, SimEnergySite> sites = new LinkedHashMap<>();
    private final TelemetryConfigs telemetryConfigs = new TelemetryConfigs();
    private volatile Clock clock = Clock.systemUTC();

    /** The demo fleet described by the {@code DEMO_*} constants. */
    public static SimulatedFleet demo() {
        SimulatedFleet fleet = new SimulatedFleet();
        fleet.addUser(new SimUser(DEMO_USER_ID, "na", DEMO_ACCESS_TOKEN, SimUser.ALL_SCOPES,
                "demo@example.com", "Demo Driver"));
        fleet.addUser(new SimUser(DEMO_EU_USER_ID, "eu", DEMO_EU_ACCESS_TOKEN, SimUser.ALL_SCOPES,
                "demo-eu@example.com", "Demo Fahrer"));
        fleet.addVehicle(SimVehicle.of(DEMO_VIN_ONLINE, 3744000000000001L, "Demo Three", DEMO_USER_ID,
                VehicleState.ONLINE));
        fleet.addVehicle(SimVehicle.of(DEMO_VIN_SIGNING, 3744000000000002L, "Demo Why", DEMO_USER_ID,
                VehicleState.ONLINE).withRequiresSigning(true));
        fleet.addVehicle(SimVehicle.of(DEMO_VIN_ASLEEP, 3744000000000003L, "Sleepy Three", DEMO_USER_ID,
                VehicleState.ASLEEP));
        fleet.addVehicle(SimVehicle.of(DEMO_VIN_OFFLINE, 3744000000000004L, "Garage S", DEMO_USER_ID,
                VehicleState.OFFLINE).withFirmwareVersion("2024.32.7"));
        fleet.addVehicle(SimVehicle.of(DEMO_EU_VIN_ONLINE, 3744000000000005L, "Europa", DEMO_EU_USER_ID,
                VehicleState.ONLINE));
        fleet.addVehicle(SimVehicle.of(DEMO_EU_VIN_ASLEEP, 3744000000000006L, "Berlin Y", DEMO_EU_USER_ID,
                VehicleState.ASLEEP).withRequiresSigning(true));
        fleet.addEnergySite(SimEnergySite.of(DEMO_ENERGY_SITE_ID, DEMO_USER_ID, "Demo Home"));
        return fleet;
    }

    /**
     * The simulator attaches its configured clock here, so wake-ups follow that clock. Until then
     * (a fleet used on its own) the system clock is used.
     */
    void attachClock(Clock newClock) {
        this.clock = Objects.requireNonNull(newClock, "clock");
    }

    // ---- users ----

    public synchronized SimulatedFleet addUser(SimUser user) {
        if (users.containsKey(user.id())) {
            throw new IllegalArgumentException("duplicate user id: " + user.id());
        }
        if (userByToken(user.accessToken()).isPresent()) {
            throw new IllegalArgumentException("duplicate access token for user " + user.id());
        }
        users.put(user.id(), user);
        return this;
    }

    public synchronized Optional<SimUser> findUser(String id) {
        return Optional.ofNullable(users.get(id));
    }

    public synchronized Optional<SimUser> userByToken(String accessToken) {
        return users.values().stream().filter(u -> u.accessToken().equals(accessToken)).findFirst();
    }

    public synchronized List<SimUser> users() {
        return List.copyOf(users.values());
    }

    // ---- vehicles ----

    public synchronized SimulatedFleet addVehicle(SimVehicle vehicle) {
        requireOwner(vehicle.ownerId());
        if (vehicles.containsKey(vehicle.vin())) {
            throw new IllegalArgumentException("duplicate VIN: " + vehicle.vin());
        }
        if (vehicles.values().stream().anyMatch(v -> v.id() == vehicle.id())) {
            throw new IllegalArgumentException("duplicate vehicle id: " + vehicle.id());
        }
        vehicles.put(vehicle.vin(), vehicle);
        return this;
    }

    public synchronized Optional<SimVehicle> findVehicle(String vin) {
        return Optional.ofNullable(vehicles.get(vin)).map(this::settle);
    }

    /** The vehicle with this VIN; throws {@link IllegalArgumentException} when unknown. */
    public SimVehicle vehicle(String vin) {
        return findVehicle(vin).orElseThrow(() -> new IllegalArgumentException("unknown VIN: " + vin));
    }

    /** Resolves a Fleet API {@code {vehicle_tag}}: a VIN or the numeric vehicle id. */
    synchronized Optional<SimVehicle> findVehicleByTag(String tag) {
        SimVehicle byVin = vehicles.get(tag);
        if (byVin != null) {
            return Optional.of(settle(byVin));
        }
        return vehicles.values().stream()
                .filter(v -> Long.toString(v.id()).equals(tag))
                .findFirst()
                .map(this::settle);
    }

    public synchronized List<SimVehicle> vehicles() {
        return List.copyOf(vehicles.values()).stream().map(this::settle).toList();
    }

    public synchronized List<SimVehicle> vehiclesOf(String userId) {
        return vehicles().stream().filter(v -> v.ownerId().equals(userId)).toList();
    }

    /** Applies any change to a vehicle (VIN and id must stay the same) and returns the new record. */
    public synchronized SimVehicle updateVehicle(String vin, UnaryOperator<SimVehicle> change) {
        SimVehicle current = vehicle(vin);
        SimVehicle changed = change.apply(current);
        if (!changed.vin().equals(current.vin()) || changed.id() != current.id()) {
            throw new IllegalArgumentException("VIN and id of a vehicle cannot change");
        }
        requireOwner(changed.ownerId());
        vehicles.put(vin, changed);
        return settle(changed);
    }

    /** Sets the state at once, dropping any pending wake-up. */
    public SimVehicle setState(String vin, VehicleState state) {
        return updateVehicle(vin, v -> v.withState(state));
    }

    public SimVehicle putToSleep(String vin) {
        return setState(vin, VehicleState.ASLEEP);
    }

    public SimVehicle takeOffline(String vin) {
        return setState(vin, VehicleState.OFFLINE);
    }

    public SimVehicle bringOnline(String vin) {
        return setState(vin, VehicleState.ONLINE);
    }

    /** Seconds from a wake request until online; negative: the vehicle never wakes. */
    public SimVehicle setWakeDelay(String vin, int seconds) {
        return updateVehicle(vin, v -> v.withWakeDelaySeconds(seconds));
    }

    public SimVehicle setRequiresSigning(String vin, boolean required) {
        return updateVehicle(vin, v -> v.withRequiresSigning(required));
    }

    /** False makes {@code signed_command} answer 422, as for a pre-2021 Model S/X. */
    public SimVehicle setProtocolSupported(String vin, boolean supported) {
        return updateVehicle(vin, v -> v.withProtocolSupported(supported));
    }

    /**
     * Adds a command key to the vehicle's keychain (what the owner's approval at
     * {@code tesla.com/_ak/<domain>} does). The key is the 65-byte uncompressed P-256 point.
     */
    public SimVehicle pairKey(String vin, byte[] publicKey) {
        requireP256(publicKey);
        return updateVehicle(vin, v -> v.withPairedKey(publicKey));
    }

    /** Removes a command key from the keychain; its sessions end with it. */
    public SimVehicle unpairKey(String vin, byte[] publicKey) {
        return updateVehicle(vin, v -> v.withoutPairedKey(publicKey));
    }

    /** Pairs the key with every vehicle (demo mode: the fleet key works everywhere). */
    public synchronized List<SimVehicle> pairKeyWithAll(byte[] publicKey) {
        requireP256(publicKey);
        return List.copyOf(vehicles.keySet()).stream().map(vin -> pairKey(vin, publicKey)).toList();
    }

    /**
     * What {@code wake_up} does: starts a wake-up unless one is pending or the car is online.
     * A repeated request does not restart the countdown.
     */
    public synchronized SimVehicle requestWake(String vin) {
        SimVehicle current = vehicle(vin);
        if (current.isOnline() || current.wakePending()) {
            return current;
        }
        SimVehicle waking = current.withWakeRequestedAt(clock.instant());
        vehicles.put(vin, waking);
        return settle(waking);
    }

    // ---- energy sites ----

    public synchronized SimulatedFleet addEnergySite(SimEnergySite site) {
        requireOwner(site.ownerId());
        if (sites.containsKey(site.energySiteId())) {
            throw new IllegalArgumentException("duplicate energy site id: " + site.energySiteId());
        }
        sites.put(site.energySiteId(), site);
        return this;
    }

    public synchronized Optional<SimEnergySite> findEnergySite(long energySiteId) {
        return Optional.ofNullable(sites.get(energySiteId));
    }

    /** The site with this id; throws {@link IllegalArgumentException} when unknown. */
    public SimEnergySite energySite(long energySiteId) {
        return findEnergySite(energySiteId)
                .orElseThrow(() -> new IllegalArgumentException("unknown energy site: " + energySiteId));
    }

    public synchronized List<SimEnergySite> energySites() {
        return List.copyOf(sites.values());
    }

    public synchronized List<SimEnergySite> energySitesOf(String userId) {
        return sites.values().stream().filter(s -> s.ownerId().equals(userId)).toList();
    }

    public synchronized SimEnergySite updateEnergySite(long energySiteId, UnaryOperator<SimEnergySite> change) {
        SimEnergySite changed = change.apply(energySite(energySiteId));
        if (changed.energySiteId() != energySiteId) {
            throw new IllegalArgumentException("the id of an energy site cannot change");
        }
        requireOwner(changed.ownerId());
        sites.put(energySiteId, changed);
        return changed;
    }

    // ---- streaming ----

    /** The fleet-telemetry config each vehicle holds (set through {@code fleet_telemetry_config_jws}). */
    public TelemetryConfigs telemetryConfigs() {
        return telemetryConfigs;
    }

    // ---- reset support ----

    /** Everything in the fleet, as immutable records. */
    record Snapshot(List<SimUser> users, List<SimVehicle> vehicles, List<SimEnergySite> sites) {
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(users.values()), List.copyOf(vehicles.values()),
                List.copyOf(sites.values()));
    }

    synchronized void restore(Snapshot snapshot) {
        users.clear();
        vehicles.clear();
        sites.clear();
        // the initial fleet holds no streaming configs
        telemetryConfigs.clear();
        snapshot.users().forEach(u -> users.put(u.id(), u));
        snapshot.vehicles().forEach(v -> vehicles.put(v.vin(), v));
        snapshot.sites().forEach(s -> sites.put(s.energySiteId(), s));
    }

    // ---- internals (callers hold the lock) ----

    private SimVehicle settle(SimVehicle vehicle) {
        if (!vehicle.wakeDueAt(clock.instant())) {
            return vehicle;
        }
        SimVehicle awake = vehicle.withState(VehicleState.ONLINE);
        vehicles.put(awake.vin(), awake);
        return awake;
    }

    private static void requireP256(byte[] publicKey) {
        try {
            P256.decode(publicKey);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void requireOwner(String ownerId) {
        if (!users.containsKey(ownerId)) {
            throw new IllegalArgumentException("unknown owner: " + ownerId);
        }
    }
}
