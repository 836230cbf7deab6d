package io.fleetgate.vcp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.FleetApiBodies;
import io.fleetgate.vcp.Kat;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.SignedRetryPolicy;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.SharedKey;
import io.fleetgate.vcp.proto.Signatures;
import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import io.fleetgate.vcp.vehicle.VerifierPolicy;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stale sessions resync from the session info on a fault; expired, unpaired and revoked keys. */
class SessionRecoveryTest {
    private static final String VIN = "5YJ3E1EA6LF000002";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private final SignedRetryPolicy retries = SignedRetryPolicy.contractDefaults();
    private VcpClient client;
    private SimulatedVehicle car;

    @BeforeEach
    void setUp() throws Exception {
        client = new VcpClient(EcKeyPair.fromScalarHex(Kat.F_SIGNER_SCALAR), "fleetgate.example", clock,
                new SplittableRandom(17));
        car = new SimulatedVehicle(VIN, clock, VerifierPolicy.defaults());
        car.vehicle.pair(client.key().publicKeyBytes());
    }

    @Test
    void resyncsFromTheFaultsSessionInfoAfterTheVehicleChangedEpoch() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        assertThat(car.send(client, Commands.named("charge_stop")).result()).isTrue();
        car.vehicle.rotateEpochs(Domain.INFOTAINMENT);

        SignedCommand stale = client.sign(VIN, Commands.named("charge_start"));
        String reply = car.answer(stale.body());
        RoutableMessage fault = RoutableMessage.parseFrom(FleetApiBodies.responseOf(reply));
        assertThat(fault.hasSessionInfo()).isTrue();
        assertThat(fault.getSignatureData().hasSessionInfoTag()).isTrue();

        CommandOutcome outcome = client.decode(stale, reply);
        assertThat(outcome.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INCORRECT_EPOCH);
        assertThat(outcome.verdict()).isEqualTo(Verdict.STALE_SESSION);
        assertThat(retries.next(outcome.verdict(), 1)).contains(new SignedRetryPolicy.Retry(Duration.ZERO, true));
        // resynced in place: no new handshake needed, the new epoch is already known
        assertThat(client.hasSession(VIN, Domain.INFOTAINMENT)).isTrue();
        assertThat(client.sessions().get(VIN, Domain.INFOTAINMENT).orElseThrow().epoch())
                .isEqualTo(car.vehicle.verifier(Domain.INFOTAINMENT, client.key().publicKeyBytes()).epoch());

        SignedCommand resigned = client.sign(VIN, Commands.named("charge_start"));
        assertThat(resigned.uuid()).isNotEqualTo(stale.uuid());
        assertThat(client.decode(resigned, car.answer(resigned.body())).verdict()).isEqualTo(Verdict.SUCCEEDED);
    }

    @Test
    void anExpiredCommandIsRejectedAndTheSessionIsRebuilt() throws Exception {
        car.handshakeOrFail(client, Domain.VCSEC);
        SignedCommand signed = client.sign(VIN, Commands.named("door_lock"));
        clock.advance(VcpClient.DEFAULT_COMMAND_LIFETIME.plusSeconds(2));

        CommandOutcome outcome = client.decode(signed, car.answer(signed.body()));
        assertThat(outcome.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_TIME_EXPIRED);
        assertThat(outcome.verdict()).isEqualTo(Verdict.STALE_SESSION);
        // the session info came back after the latency bound, so it is not trusted: new handshake
        assertThat(client.hasSession(VIN, Domain.VCSEC)).isFalse();

        car.handshakeOrFail(client, Domain.VCSEC);
        assertThat(car.send(client, Commands.named("door_lock")).result()).isTrue();
    }

    @Test
    void anUnpairedKeyIsPermanentWithThePairingLink() {
        VcpClient stranger = new VcpClient(EcKeyPair.generate(new SecureRandom()), "fleetgate.example",
                clock, new SplittableRandom(3));
        CommandOutcome outcome = car.handshake(stranger, Domain.VCSEC);
        assertThat(outcome.verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(outcome.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID);
        assertThat(outcome.reason()).contains("https://tesla.com/_ak/fleetgate.example");
        assertThat(retries.next(outcome.verdict(), 1)).isEmpty();
        assertThat(stranger.hasSession(VIN, Domain.VCSEC)).isFalse();
    }

    @Test
    void aKeyRemovedAfterTheHandshakeIsPermanentToo() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        car.vehicle.unpair(client.key().publicKeyBytes());
        CommandOutcome outcome = car.send(client, Commands.named("flash_lights"));
        assertThat(outcome.verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(outcome.reason()).contains("https://tesla.com/_ak/fleetgate.example");
    }

    @Test
    void anOutOfDateSessionInfoNeverRollsTheCounterBack() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        HandshakeRequest early = client.sessionRequest(VIN, Domain.INFOTAINMENT);
        String earlyReply = car.answer(early.body());
        for (int i = 0; i < 3; i++) {
            assertThat(car.send(client, Commands.named("honk_horn")).result()).isTrue();
        }
        assertThat(client.acceptSessionInfo(early, earlyReply).verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(client.sessions().get(VIN, Domain.INFOTAINMENT).orElseThrow().counter()).isEqualTo(3);
        assertThat(car.send(client, Commands.named("honk_horn")).result()).isTrue();
    }

    @Test
    void anExhaustedCounterForcesANewHandshakeInsteadOfWrapping() throws Exception {
        HandshakeRequest request = client.sessionRequest(VIN, Domain.INFOTAINMENT);
        EcKeyPair vehicleKey = EcKeyPair.fromScalarHex(Kat.A_VEHICLE_SCALAR);
        byte[] info = SessionInfo.newBuilder().setCounter(-1)
                .setPublicKey(ByteString.copyFrom(vehicleKey.publicKeyBytes()))
                .setEpoch(ByteString.copyFrom(new byte[16])).setClockTime(100).build().toByteArray();
        byte[] tag = SharedKey.agree(vehicleKey, client.key().publicKeyBytes())
                .sessionInfoTag(VIN.getBytes(StandardCharsets.US_ASCII), request.uuid(), info);
        RoutableMessage reply = RoutableMessage.newBuilder()
                .setSessionInfo(ByteString.copyFrom(info))
                .setSignatureData(Signatures.SignatureData.newBuilder().setSessionInfoTag(
                        Signatures.HMAC_Signature_Data.newBuilder().setTag(ByteString.copyFrom(tag))))
                .build();
        assertThat(client.acceptSessionInfo(request, reply.toByteArray()).verdict()).isEqualTo(Verdict.SUCCEEDED);

        assertThatThrownBy(() -> client.sign(VIN, Commands.named("honk_horn")))
                .isInstanceOfSatisfying(VcpException.class,
                        e -> assertThat(e.verdict()).isEqualTo(Verdict.STALE_SESSION));
        assertThat(client.hasSession(VIN, Domain.INFOTAINMENT)).isFalse();
    }
}
