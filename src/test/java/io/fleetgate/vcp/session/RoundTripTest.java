package io.fleetgate.vcp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fleetgate.testing.CommandSamples;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.DecodedAction;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.FleetApiBodies;
import io.fleetgate.vcp.Kat;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.VehicleCommand;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.proto.CarServer;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import io.fleetgate.vcp.proto.Vcsec;
import io.fleetgate.vcp.vehicle.CommandHandler;
import io.fleetgate.vcp.vehicle.VerifierPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client handshake, signed command and authenticated reply against the vehicle-side verifier. */
class RoundTripTest {
    private static final String VIN = "5YJ3E1EA6LF000001";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private VcpClient client;
    private SimulatedVehicle car;

    @BeforeEach
    void setUp() throws Exception {
        client = new VcpClient(EcKeyPair.fromScalarHex(Kat.F_SIGNER_SCALAR), "fleetgate.example", clock,
                new SplittableRandom(11));
        car = new SimulatedVehicle(VIN, clock, VerifierPolicy.defaults());
        car.vehicle.pair(client.key().publicKeyBytes());
    }

    @Test
    void signsAndVerifiesCommandsInBothDomainsWithEncryptedReplies() throws Exception {
        car.handshakeOrFail(client, Domain.VCSEC, Domain.INFOTAINMENT);

        SignedCommand signed = client.sign(VIN, Commands.named("flash_lights"));
        String reply = car.answer(signed.body());
        RoutableMessage replyMessage = RoutableMessage.parseFrom(FleetApiBodies.responseOf(reply));
        assertThat(replyMessage.getSignatureData().hasAESGCMResponseData()).isTrue();
        assertThat(replyMessage.getRequestUuid().toByteArray()).isEqualTo(signed.uuid());
        assertThat(client.decode(signed, reply).verdict()).isEqualTo(Verdict.SUCCEEDED);

        assertThat(car.send(client, Commands.named("door_lock")).result()).isTrue();
        assertThat(car.send(client, Commands.named("door_unlock")).result()).isTrue();
        assertThat(client.sessions().get(VIN, Domain.VCSEC).orElseThrow().counter()).isEqualTo(2);
    }

    @Test
    void everyCatalogCommandReachesTheVerifierAsTheActionIntended() throws Exception {
        car.handshakeOrFail(client, Domain.VCSEC, Domain.INFOTAINMENT);
        List<DecodedAction> executed = new ArrayList<>();
        car.handler = (domain, payload) -> {
            executed.add(DecodedAction.of(domain, payload).orElseThrow());
            return CommandHandler.acceptAll().execute(domain, payload);
        };
        for (CommandSamples.Sample sample : CommandSamples.all()) {
            VehicleCommand command = Commands.fromRest(sample.command(), sample.body()).orElseThrow();
            assertThat(car.send(client, command).verdict()).as(sample.toString()).isEqualTo(Verdict.SUCCEEDED);
            assertThat(executed.getLast().toString()).as(sample.toString()).isEqualTo(DecodedAction.of(command).toString());
            assertThat(executed.getLast().name()).isEqualTo(sample.command());
        }
        assertThat(executed).hasSize(CommandSamples.all().size());
    }

    @Test
    void reportsTheVehiclesOwnRefusalWithItsReason() throws Exception {
        car.handshakeOrFail(client, Domain.VCSEC, Domain.INFOTAINMENT);
        car.handler = (domain, payload) -> domain == Domain.INFOTAINMENT
                ? CarServer.Response.newBuilder().setActionStatus(CarServer.ActionStatus.newBuilder()
                        .setResult(CarServer.OperationStatus_E.OPERATIONSTATUS_ERROR)
                        .setResultReason(CarServer.ResultReason.newBuilder().setPlainText("is_charging")))
                        .build().toByteArray()
                : Vcsec.FromVCSECMessage.newBuilder().setNominalError(Vcsec.NominalError.newBuilder()
                        .setGenericError(Vcsec.GenericError_E.GENERICERROR_CLOSURES_OPEN)).build().toByteArray();

        CommandOutcome charging = car.send(client, Commands.named("charge_start"));
        assertThat(charging.verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(charging.reason()).isEqualTo("is_charging");
        CommandOutcome lock = car.send(client, Commands.named("door_lock"));
        assertThat(lock.verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(lock.reason()).isEqualTo("closures open");
    }

    @Test
    void aBusyVehicleIsRetriedLater() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        car.handler = (domain, payload) -> {
            throw new CommandHandler.Refusal(MessageFault_E.MESSAGEFAULT_ERROR_BUSY);
        };
        CommandOutcome outcome = car.send(client, Commands.named("honk_horn"));
        assertThat(outcome.verdict()).isEqualTo(Verdict.BUSY);
        assertThat(outcome.verdict().shouldRetry()).isTrue();
    }

    @Test
    void aReplayedCommandIsRejected() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        SignedCommand signed = client.sign(VIN, Commands.named("honk_horn"));
        assertThat(client.decode(signed, car.answer(signed.body())).verdict()).isEqualTo(Verdict.SUCCEEDED);

        CommandOutcome replay = client.decode(signed, car.answer(signed.body()));
        assertThat(replay.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER);
        assertThat(replay.verdict()).isEqualTo(Verdict.STALE_SESSION);
    }

    @Test
    void aReplayedReplyIsNotTakenTwice() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        SignedCommand signed = client.sign(VIN, Commands.named("honk_horn"));
        String reply = car.answer(signed.body());
        assertThat(client.decode(signed, reply).verdict()).isEqualTo(Verdict.SUCCEEDED);
        CommandOutcome again = client.decode(signed, reply);
        assertThat(again.verdict()).isEqualTo(Verdict.MAY_HAVE_SUCCEEDED);
        assertThat(again.reason()).contains("replayed");
    }

    @Test
    void aReplyForAnotherRequestFailsAuthentication() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        SignedCommand first = client.sign(VIN, Commands.named("honk_horn"));
        SignedCommand second = client.sign(VIN, Commands.named("honk_horn"));
        RoutableMessage reply = RoutableMessage.parseFrom(FleetApiBodies.responseOf(car.answer(first.body())))
                .toBuilder().setRequestUuid(ByteString.copyFrom(second.uuid())).build();
        CommandOutcome outcome = client.decode(second, reply.toByteArray());
        assertThat(outcome.verdict()).isEqualTo(Verdict.MAY_HAVE_SUCCEEDED);
        assertThat(outcome.reason()).contains("authentication");
    }

    @Test
    void tamperedFlagsInvalidateTheSignature() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        SignedCommand signed = client.sign(VIN, Commands.named("honk_horn"));
        byte[] tampered = RoutableMessage.parseFrom(signed.message()).toBuilder().setFlags(0).build().toByteArray();
        CommandOutcome outcome = client.decode(signed, car.answer(FleetApiBodies.signedCommandBody(tampered)));
        assertThat(outcome.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_SIGNATURE);
        assertThat(outcome.verdict()).isEqualTo(Verdict.STALE_SESSION);
    }

    @Test
    void vcsecRefusesCountersThatArriveOutOfOrder() throws Exception {
        car.handshakeOrFail(client, Domain.VCSEC);
        SignedCommand first = client.sign(VIN, Commands.named("door_lock"));
        SignedCommand second = client.sign(VIN, Commands.named("door_unlock"));
        assertThat(client.decode(second, car.answer(second.body())).result()).isTrue();
        assertThat(client.decode(first, car.answer(first.body())).fault())
                .isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER);
    }

    @Test
    void infotainmentAcceptsCountersOutOfOrderWithinTheWindow() throws Exception {
        car.handshakeOrFail(client, Domain.INFOTAINMENT);
        SignedCommand first = client.sign(VIN, Commands.named("honk_horn"));
        SignedCommand second = client.sign(VIN, Commands.named("flash_lights"));
        assertThat(client.decode(second, car.answer(second.body())).result()).isTrue();
        assertThat(client.decode(first, car.answer(first.body())).result()).isTrue();
    }

    @Test
    void signingWithoutASessionAsksForAHandshake() {
        assertThatThrownBy(() -> client.sign(VIN, Commands.named("honk_horn")))
                .isInstanceOfSatisfying(VcpException.class,
                        e -> assertThat(e.verdict()).isEqualTo(Verdict.STALE_SESSION));
    }

    @Test
    void aCommandLivingLongerThanTheVehicleAllowsIsRefused() throws Exception {
        VcpClient patient = new VcpClient(client.key(), "fleetgate.example", clock, new SplittableRandom(5),
                10, Duration.ofMinutes(2), VcpClient.DEFAULT_MAX_LATENCY);
        car.handshakeOrFail(patient, Domain.INFOTAINMENT);
        CommandOutcome outcome = car.send(patient, Commands.named("honk_horn"));
        assertThat(outcome.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG);
        assertThat(outcome.verdict()).isEqualTo(Verdict.STALE_SESSION);
    }
}
