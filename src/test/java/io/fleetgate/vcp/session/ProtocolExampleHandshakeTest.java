package io.fleetgate.vcp.session;

import static io.fleetgate.vcp.Kat.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.ScriptedRandom;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.proto.Signatures;
import io.fleetgate.vcp.proto.Signatures.HMAC_Personalized_Signature_Data;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client side of KAT A end to end: the protocol.md handshake reply is authenticated with our
 * uuid as challenge, the next command gets counter 7 and expiry 2655, and an encrypted reply
 * (derived independently) is authenticated and decrypted.
 */
class ProtocolExampleHandshakeTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private ScriptedRandom random;
    private VcpClient client;

    @BeforeEach
    void setUp() throws Exception {
        random = new ScriptedRandom();
        client = new VcpClient(EcKeyPair.fromScalarHex(A_CLIENT_SCALAR), "fleetgate.example", clock, random,
                100, Duration.ofSeconds(5), VcpClient.DEFAULT_MAX_LATENCY);
    }

    private static RoutableMessage sessionInfoReply(String tag) {
        return RoutableMessage.newBuilder()
                .setFromDestination(Destination.newBuilder().setDomainValue(3))
                .setSessionInfo(ByteString.copyFrom(hex(A_SESSION_INFO)))
                .setSignatureData(Signatures.SignatureData.newBuilder().setSessionInfoTag(
                        Signatures.HMAC_Signature_Data.newBuilder().setTag(ByteString.copyFrom(hex(tag)))))
                .setRequestUuid(ByteString.copyFrom(hex(A_UUID)))
                .build();
    }

    @Test
    void handshakeRequestCarriesOurKeyAndUuidAndNoSignature() throws Exception {
        random.queueHex(A_UUID);
        RoutableMessage request = RoutableMessage.parseFrom(client.sessionRequest(A_VIN, Domain.INFOTAINMENT).message());
        assertThat(request.getToDestination().getDomainValue()).isEqualTo(3);
        assertThat(request.getFromDestination().getRoutingAddress().size()).isEqualTo(16);
        assertThat(hex(request.getSessionInfoRequest().getPublicKey().toByteArray())).isEqualTo(A_CLIENT_PUBLIC);
        assertThat(hex(request.getUuid().toByteArray())).isEqualTo(A_UUID);
        assertThat(request.hasSignatureData()).isFalse();
        assertThat(request.getFlags()).isZero();
    }

    @Test
    void acceptsTheExampleSessionInfoAndSignsTheNextCommandAsExpected() throws Exception {
        random.queueHex(A_UUID);
        HandshakeRequest request = client.sessionRequest(A_VIN, Domain.INFOTAINMENT);
        CommandOutcome outcome = client.acceptSessionInfo(request, sessionInfoReply(A_SESSION_INFO_TAG).toByteArray());
        assertThat(outcome.verdict()).isEqualTo(Verdict.SUCCEEDED);
        Session session = client.sessions().get(A_VIN, Domain.INFOTAINMENT).orElseThrow();
        assertThat(session.counter()).isEqualTo(6);
        assertThat(session.vehicleClockAt(clock.instant())).isEqualTo(2650);

        SignedCommand signed = client.sign(A_VIN, Commands.named("auto_conditioning_start"));
        RoutableMessage message = RoutableMessage.parseFrom(signed.message());
        HMAC_Personalized_Signature_Data hmac = message.getSignatureData().getHMACPersonalizedData();
        assertThat(hex(message.getProtobufMessageAsBytes().toByteArray())).isEqualTo(A_PAYLOAD);
        assertThat(hmac.getCounter()).isEqualTo(7);
        assertThat(hmac.getExpiresAt()).isEqualTo(2655);
        assertThat(hex(hmac.getEpoch().toByteArray())).isEqualTo(A_EPOCH);
        assertThat(message.getFlags()).isEqualTo(2);
        assertThat(hex(hmac.getTag().toByteArray())).isEqualTo(A_HMAC_TAG);
        assertThat(hex(message.getSignatureData().getSignerIdentity().getPublicKey().toByteArray()))
                .isEqualTo(A_CLIENT_PUBLIC);
        assertThat(hex(signed.requestHash())).isEqualTo("08" + A_HMAC_TAG);

        RoutableMessage reply = RoutableMessage.newBuilder()
                .setToDestination(message.getFromDestination())
                .setFromDestination(Destination.newBuilder().setDomainValue(3))
                .setProtobufMessageAsBytes(ByteString.copyFrom(hex(A_RESPONSE_CIPHERTEXT)))
                .setSignatureData(Signatures.SignatureData.newBuilder().setAESGCMResponseData(
                        Signatures.AES_GCM_Response_Signature_Data.newBuilder()
                                .setNonce(ByteString.copyFrom(hex(A_RESPONSE_NONCE)))
                                .setCounter(1)
                                .setTag(ByteString.copyFrom(hex(A_RESPONSE_TAG)))))
                .setRequestUuid(message.getUuid())
                .build();
        CommandOutcome result = client.decode(signed, reply.toByteArray());
        assertThat(result.verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(hex(result.payload())).isEqualTo(A_RESPONSE_PLAINTEXT);
    }

    @Test
    void refusesSessionInfoWithAWrongTag() {
        random.queueHex(A_UUID);
        HandshakeRequest request = client.sessionRequest(A_VIN, Domain.INFOTAINMENT);
        String badTag = A_SESSION_INFO_TAG.substring(0, 63) + "3";
        CommandOutcome outcome = client.acceptSessionInfo(request, sessionInfoReply(badTag).toByteArray());
        assertThat(outcome.verdict()).isEqualTo(Verdict.STALE_SESSION);
        assertThat(client.hasSession(A_VIN, Domain.INFOTAINMENT)).isFalse();
    }

    @Test
    void refusesSessionInfoAnsweringAnotherChallenge() {
        random.queueHex("00000000000000000000000000000000");
        HandshakeRequest request = client.sessionRequest(A_VIN, Domain.INFOTAINMENT);
        RoutableMessage reply = sessionInfoReply(A_SESSION_INFO_TAG).toBuilder().clearRequestUuid().build();
        assertThat(client.acceptSessionInfo(request, reply.toByteArray()).verdict()).isEqualTo(Verdict.STALE_SESSION);
        assertThat(client.hasSession(A_VIN, Domain.INFOTAINMENT)).isFalse();
    }

    @Test
    void refusesSessionInfoThatArrivesTooLate() {
        random.queueHex(A_UUID);
        HandshakeRequest request = client.sessionRequest(A_VIN, Domain.INFOTAINMENT);
        clock.advance(Duration.ofSeconds(11));
        CommandOutcome outcome = client.acceptSessionInfo(request, sessionInfoReply(A_SESSION_INFO_TAG).toByteArray());
        assertThat(outcome.verdict()).isEqualTo(Verdict.STALE_SESSION);
        assertThat(outcome.reason()).contains("too late");
    }
}
