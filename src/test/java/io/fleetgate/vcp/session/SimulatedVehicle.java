package io.fleetgate.vcp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Kat;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.VehicleCommand;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.vehicle.CommandHandler;
import io.fleetgate.vcp.vehicle.VehicleVerifier;
import io.fleetgate.vcp.vehicle.VerifierPolicy;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.util.Map;
import java.util.SplittableRandom;

/** A client talking to a vehicle-side verifier through the Fleet API's JSON bodies. */
final class SimulatedVehicle {
    final String vin;
    final VehicleVerifier vehicle;
    CommandHandler handler = CommandHandler.acceptAll();

    SimulatedVehicle(String vin, Clock clock, VerifierPolicy policy) {
        this.vin = vin;
        try {
            this.vehicle = new VehicleVerifier(vin, Map.of(
                    Domain.VCSEC, EcKeyPair.fromScalarHex(Kat.F_VERIFIER_SCALAR),
                    Domain.INFOTAINMENT, EcKeyPair.fromScalarHex(Kat.A_VEHICLE_SCALAR)),
                    clock, new SplittableRandom(vin.hashCode()), policy);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    CommandOutcome handshake(VcpClient client, Domain domain) {
        HandshakeRequest request = client.sessionRequest(vin, domain);
        return client.acceptSessionInfo(request, answer(request.body()));
    }

    void handshakeOrFail(VcpClient client, Domain... domains) {
        for (Domain domain : domains) {
            assertThat(handshake(client, domain).verdict()).isEqualTo(Verdict.SUCCEEDED);
        }
    }

    String answer(String body) {
        try {
            return vehicle.answerJson(body, handler);
        } catch (VcpException e) {
            throw new IllegalStateException(e);
        }
    }

    CommandOutcome send(VcpClient client, VehicleCommand command) throws VcpException {
        SignedCommand signed = client.sign(vin, command);
        return client.decode(signed, answer(signed.body()));
    }
}
