package io.fleetgate.vcp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Kat;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.vehicle.VerifierPolicy;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The session cache keeps at most its bound of vehicles, dropping the least recently used. */
class SessionCacheTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));

    @Test
    void holdsAtMostItsBoundOfVehiclesDroppingTheLeastRecentlyUsed() throws Exception {
        VcpClient client = new VcpClient(EcKeyPair.fromScalarHex(Kat.F_SIGNER_SCALAR), "fleetgate.example", clock,
                new SplittableRandom(1), 3, VcpClient.DEFAULT_COMMAND_LIFETIME, VcpClient.DEFAULT_MAX_LATENCY);
        SimulatedVehicle[] cars = new SimulatedVehicle[5];
        for (int i = 0; i < cars.length; i++) {
            cars[i] = new SimulatedVehicle("VIN0000000000000" + i, clock, VerifierPolicy.defaults());
            cars[i].vehicle.pair(client.key().publicKeyBytes());
        }
        cars[0].handshakeOrFail(client, Domain.VCSEC, Domain.INFOTAINMENT);
        cars[1].handshakeOrFail(client, Domain.VCSEC);
        cars[2].handshakeOrFail(client, Domain.INFOTAINMENT);
        assertThat(client.sessions().vehicles()).isEqualTo(3);

        assertThat(client.hasSession(cars[0].vin, Domain.VCSEC)).isTrue(); // car 0 is now the most recent
        cars[3].handshakeOrFail(client, Domain.VCSEC);
        assertThat(client.sessions().vehicles()).isEqualTo(3);
        assertThat(client.hasSession(cars[1].vin, Domain.VCSEC)).isFalse();
        assertThat(client.hasSession(cars[0].vin, Domain.INFOTAINMENT)).isTrue();

        cars[4].handshakeOrFail(client, Domain.INFOTAINMENT);
        assertThat(client.sessions().vehicles()).isEqualTo(3);
        assertThat(client.hasSession(cars[2].vin, Domain.INFOTAINMENT)).isFalse();
    }

    @Test
    void defaultsToTenThousandVehicles() throws Exception {
        VcpClient client = new VcpClient(EcKeyPair.fromScalarHex(Kat.F_SIGNER_SCALAR), "fleetgate.example", clock,
                new SplittableRandom(1));
        assertThat(client.sessions().maxVehicles()).isEqualTo(10_000);
    }

    @Test
    void manyVehiclesStayWithinTheBound() {
        SessionCache cache = new SessionCache(100);
        for (int i = 0; i < 1_000; i++) {
            cache.put(new Session("VIN" + i, Domain.VCSEC, null,
                    io.fleetgate.vcp.proto.Signatures.SessionInfo.getDefaultInstance(), clock.instant()));
        }
        assertThat(cache.vehicles()).isEqualTo(100);
        assertThat(cache.get("VIN999", Domain.VCSEC)).isPresent();
        assertThat(cache.get("VIN899", Domain.VCSEC)).isEmpty();
    }
}
