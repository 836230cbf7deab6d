package io.fleetgate.sim;

import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.vehicle.CommandHandler;
import io.fleetgate.vcp.vehicle.VehicleVerifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vehicle side of the command protocol: one {@link VehicleVerifier} per VIN, created on first
 * use. Its domain keys and epochs come from a generator seeded with the simulator's seed and the
 * VIN, so a VIN has the same keys in every run and whatever order vehicles are first used in.
 * The keychain lives in {@link SimVehicle#pairedKeys()} (so a reset restores it); the verifier is
 * brought in line with it before every answer.
 */
final class VehicleVerifiers {

    private static final class Car {
        final VehicleVerifier verifier;
        final Set<String> paired = new HashSet<>();

        Car(VehicleVerifier verifier) {
            this.verifier = verifier;
        }
    }

    private final Clock clock;
    private final long seed;
    private final Map<String, Car> cars = new ConcurrentHashMap<>();
    private final Map<String, Deque<MessageFault_E>> scriptedFaults = new ConcurrentHashMap<>();

    VehicleVerifiers(Clock clock, long seed) {
        this.clock = clock;
        this.seed = seed;
    }

    /** The vehicle's reply (RoutableMessage bytes) to a request sent through {@code signed_command}. */
    byte[] answer(SimVehicle vehicle, byte[] routableMessage, CommandHandler handler) {
        Car car = cars.computeIfAbsent(vehicle.vin(), this::newCar);
        // one message at a time per car, as the car's domains process them
        synchronized (car) {
            syncKeychain(car, vehicle.pairedKeys());
            return car.verifier.answer(routableMessage, handler);
        }
    }

    /** The public key of one of the vehicle's domains (65-byte uncompressed point). */
    byte[] publicKey(String vin, Domain domain) {
        return cars.computeIfAbsent(vin, this::newCar).verifier.publicKey(domain);
    }

    /** The next {@code count} verified commands to the vehicle are refused with {@code fault}. */
    void scriptFaults(String vin, MessageFault_E fault, int count) {
        Deque<MessageFault_E> queue = scriptedFaults.computeIfAbsent(vin, v -> new ConcurrentLinkedDeque<>());
        for (int i = 0; i < count; i++) {
            queue.add(fault);
        }
    }

    /** The fault scripted for the vehicle's next verified command, if any (used once). */
    MessageFault_E nextScriptedFault(String vin) {
        Deque<MessageFault_E> queue = scriptedFaults.get(vin);
        return queue == null ? null : queue.poll();
    }

    /** The vehicle restarts its command-protocol sessions: new epochs, so clients must resync. */
    void restartSessions(String vin) {
        Car car = cars.computeIfAbsent(vin, this::newCar);
        synchronized (car) {
            for (Domain domain : Domain.values()) {
                car.verifier.rotateEpochs(domain);
            }
        }
    }

    /** Forgets every verifier: sessions, counters and epochs start afresh (the keys stay the same). */
    void reset() {
        cars.clear();
        scriptedFaults.clear();
    }

    private static void syncKeychain(Car car, Set<String> keychain) {
        HexFormat hex = HexFormat.of();
        for (String key : keychain) {
            if (car.paired.add(key)) {
                car.verifier.pair(hex.parseHex(key));
            }
        }
        car.paired.removeIf(key -> {
            if (keychain.contains(key)) {
                return false;
            }
            car.verifier.unpair(hex.parseHex(key));
            return true;
        });
    }

    private Car newCar(String vin) {
        return new Car(VehicleVerifier.withNewKeys(vin, clock, seededRandom(vin)));
    }

    /** SHA1PRNG seeded before its first use is deterministic: same seed and VIN, same bytes. */
    private SecureRandom seededRandom(String vin) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            sha256.update(vin.getBytes(StandardCharsets.US_ASCII));
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(sha256.digest());
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 or SHA1PRNG unavailable", e);
        }
    }
}
