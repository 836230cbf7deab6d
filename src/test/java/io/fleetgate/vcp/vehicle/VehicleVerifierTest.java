package io.fleetgate.vcp.vehicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Kat;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.MetadataSets;
import io.fleetgate.vcp.crypto.SharedKey;
import io.fleetgate.vcp.proto.Signatures;
import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.Signatures.SignatureType;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import io.fleetgate.vcp.proto.UniversalMessage.SessionInfoRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The vehicle side on its own: handshakes, malformed input and the freshness rules of 2.11. */
class VehicleVerifierTest {
    private static final String VIN = "5YJ3E1EA6LF000009";
    private static final byte[] VIN_BYTES = VIN.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UUID = Kat.hex("000102030405060708090a0b0c0d0e0f");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private EcKeyPair client;
    private EcKeyPair infotainmentKey;
    private VehicleVerifier vehicle;

    @BeforeEach
    void setUp() throws Exception {
        client = EcKeyPair.fromScalarHex(Kat.F_SIGNER_SCALAR);
        infotainmentKey = EcKeyPair.fromScalarHex(Kat.A_VEHICLE_SCALAR);
        vehicle = new VehicleVerifier(VIN, Map.of(Domain.VCSEC, EcKeyPair.fromScalarHex(Kat.F_VERIFIER_SCALAR),
                Domain.INFOTAINMENT, infotainmentKey), clock, new SplittableRandom(9), VerifierPolicy.defaults());
        vehicle.pair(client.publicKeyBytes());
    }

    private RoutableMessage answer(RoutableMessage request) throws Exception {
        return RoutableMessage.parseFrom(vehicle.answer(request.toByteArray(), CommandHandler.acceptAll()));
    }

    /** An HMAC-signed infotainment command with chosen counter and expiry. */
    private RoutableMessage command(long counter, long expiresAt, int flags) throws Exception {
        DomainVerifier verifier = vehicle.verifier(Domain.INFOTAINMENT, client.publicKeyBytes());
        byte[] payload = Kat.hex("1203d20100");
        byte[] tag = SharedKey.agree(client, infotainmentKey.publicKeyBytes()).commandTag(
                MetadataSets.command(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED, 3, VIN_BYTES, verifier.epoch(),
                        expiresAt, counter, flags), payload);
        return RoutableMessage.newBuilder()
                .setToDestination(Destination.newBuilder().setDomain(Domain.INFOTAINMENT.proto()))
                .setFromDestination(Destination.newBuilder().setRoutingAddress(ByteString.copyFrom(UUID)))
                .setProtobufMessageAsBytes(ByteString.copyFrom(payload))
                .setSignatureData(Signatures.SignatureData.newBuilder()
                        .setSignerIdentity(Signatures.KeyIdentity.newBuilder()
                                .setPublicKey(ByteString.copyFrom(client.publicKeyBytes())))
                        .setHMACPersonalizedData(Signatures.HMAC_Personalized_Signature_Data.newBuilder()
                                .setEpoch(ByteString.copyFrom(verifier.epoch()))
                                .setCounter((int) counter).setExpiresAt((int) expiresAt)
                                .setTag(ByteString.copyFrom(tag))))
                .setUuid(ByteString.copyFrom(UUID))
                .setFlags(flags)
                .build();
    }

    @Test
    void answersAHandshakeWithSessionInfoSignedForTheRequestUuid() throws Exception {
        RoutableMessage reply = answer(RoutableMessage.newBuilder()
                .setToDestination(Destination.newBuilder().setDomain(Domain.INFOTAINMENT.proto()))
                .setFromDestination(Destination.newBuilder().setRoutingAddress(ByteString.copyFrom(UUID)))
                .setSessionInfoRequest(SessionInfoRequest.newBuilder()
                        .setPublicKey(ByteString.copyFrom(client.publicKeyBytes())))
                .setUuid(ByteString.copyFrom(UUID))
                .build());
        assertThat(reply.getRequestUuid().toByteArray()).isEqualTo(UUID);
        assertThat(reply.getToDestination().getRoutingAddress().toByteArray()).isEqualTo(UUID);
        assertThat(reply.getFromDestination().getDomain()).isEqualTo(Domain.INFOTAINMENT.proto());
        SessionInfo info = SessionInfo.parseFrom(reply.getSessionInfo());
        assertThat(info.getPublicKey().toByteArray()).isEqualTo(infotainmentKey.publicKeyBytes());
        byte[] expected = SharedKey.agree(client, infotainmentKey.publicKeyBytes())
                .sessionInfoTag(VIN_BYTES, UUID, reply.getSessionInfo().toByteArray());
        assertThat(reply.getSignatureData().getSessionInfoTag().getTag().toByteArray()).isEqualTo(expected);
    }

    @Test
    void answersGarbageUnknownDomainsAndUnsignedCommandsWithFaultsButNoSessionInfo() throws Exception {
        RoutableMessage garbage = RoutableMessage.parseFrom(vehicle.answer(new byte[] {(byte) 0xff, 1},
                CommandHandler.acceptAll()));
        assertThat(garbage.getSignedMessageStatus().getSignedMessageFault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_DECODING);

        RoutableMessage broadcast = answer(command(1, 5, 0).toBuilder()
                .setToDestination(Destination.newBuilder().setDomainValue(0)).build());
        assertThat(broadcast.getSignedMessageStatus().getSignedMessageFault())
                .isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_DOMAINS);
        assertThat(broadcast.hasSessionInfo()).isFalse();

        RoutableMessage unsigned = answer(command(1, 5, 0).toBuilder().clearSignatureData().build());
        assertThat(unsigned.getSignedMessageStatus().getSignedMessageFault())
                .isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_BAD_PARAMETER);
        assertThat(unsigned.hasSessionInfo()).isFalse();
    }

    @Test
    void acceptsAFreshCommandAndAnswersInPlainTextWhenNotAskedToEncrypt() throws Exception {
        RoutableMessage reply = answer(command(1, 5, 0));
        assertThat(reply.hasSignedMessageStatus()).isFalse();
        assertThat(reply.getSignatureData().hasAESGCMResponseData()).isFalse();
        assertThat(reply.getProtobufMessageAsBytes().toByteArray()).isEqualTo(Kat.hex("0a00"));
    }

    @Test
    void refusesAnExpiredCommandWithSessionInfo() throws Exception {
        RoutableMessage command = command(1, 5, 0);
        clock.advance(Duration.ofSeconds(6));
        RoutableMessage reply = answer(command);
        assertThat(reply.getSignedMessageStatus().getSignedMessageFault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_TIME_EXPIRED);
        assertThat(reply.hasSessionInfo()).isTrue();
        assertThat(SessionInfo.parseFrom(reply.getSessionInfo()).getClockTime()).isEqualTo(6);
    }

    @Test
    void counterZeroIsOnlyAcceptedForShortLivedMessages() throws Exception {
        assertThat(answer(command(0, 40, 0)).getSignedMessageStatus().getSignedMessageFault())
                .isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG);
        assertThat(answer(command(0, 0, 0)).getSignedMessageStatus().getSignedMessageFault())
                .isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG);
        // counter 0 skips the replay check, so a short-lived message passes twice
        assertThat(answer(command(0, 20, 0)).hasSignedMessageStatus()).isFalse();
        assertThat(answer(command(0, 20, 0)).hasSignedMessageStatus()).isFalse();
    }

    @Test
    void refusesAnExpiryBeyondTheEpochLength() throws Exception {
        VehicleVerifier lenient = new VehicleVerifier(VIN, Map.of(Domain.INFOTAINMENT, infotainmentKey), clock,
                new SplittableRandom(9), VerifierPolicy.reference());
        lenient.pair(client.publicKeyBytes());
        vehicle = lenient;
        assertThat(answer(command(1, (1L << 30) + 1, 0)).getSignedMessageStatus().getSignedMessageFault())
                .isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_BAD_PARAMETER);
    }

    @Test
    void aDomainVerifierRefusesMessagesForAnotherDomain() throws Exception {
        DomainVerifier vcsec = vehicle.verifier(Domain.VCSEC, client.publicKeyBytes());
        assertThatThrownBy(() -> vcsec.verify(command(1, 5, 0)))
                .isInstanceOfSatisfying(VerificationFault.class, fault -> {
                    assertThat(fault.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_DOMAINS);
                    assertThat(fault.withSessionInfo()).isFalse();
                });
    }
}
