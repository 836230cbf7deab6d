package io.fleetgate.vcp.vehicle;

import static io.fleetgate.vcp.Kat.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.Metadata;
import io.fleetgate.vcp.crypto.MetadataSets;
import io.fleetgate.vcp.crypto.SharedKey;
import io.fleetgate.vcp.proto.Signatures.AES_GCM_Personalized_Signature_Data;
import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.Signatures.SignatureType;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** KAT B: the reference SDK's TestGCMKnown message, verified by our vehicle-side verifier. */
class GcmKnownMessageTest {
    private static final byte[] VIN = "testvin".getBytes(StandardCharsets.US_ASCII);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private RoutableMessage message;

    @BeforeEach
    void parse() throws Exception {
        message = RoutableMessage.parseFrom(hex(B_MESSAGE));
    }

    private DomainVerifier verifier(VerifierPolicy policy) throws Exception {
        DomainVerifier verifier = new DomainVerifier(Domain.VCSEC, VIN, EcKeyPair.fromScalarHex(B_VEHICLE_SCALAR),
                hex(B_CLIENT_PUBLIC), clock, new SplittableRandom(3), policy);
        verifier.forceEpoch(hex(B_EPOCH));
        return verifier;
    }

    @Test
    void parsesTheKnownMessageIgnoringTheLegacyKeyIdentity() {
        AES_GCM_Personalized_Signature_Data gcm = message.getSignatureData().getAESGCMPersonalizedData();
        assertThat(hex(gcm.getNonce().toByteArray())).isEqualTo("45d29af664e2ff8fd49218b7");
        assertThat(Integer.toUnsignedLong(gcm.getCounter())).isEqualTo(0xFFFFFFFFL);
        assertThat(gcm.getExpiresAt()).isEqualTo(50000);
        assertThat(hex(gcm.getTag().toByteArray())).isEqualTo("6d846705ba5c143f94257275a2ca701f");
        assertThat(message.getSignatureData().getSignerIdentity().getPublicKey().isEmpty()).isTrue();
    }

    @Test
    void derivesTheKnownKeyMetadataAndAssociatedData() throws Exception {
        EcKeyPair vehicle = EcKeyPair.fromScalarHex(B_VEHICLE_SCALAR);
        assertThat(vehicle.publicKeyHex()).isEqualTo(B_VEHICLE_PUBLIC);
        assertThat(hex(vehicle.sharedSecret(hex(B_CLIENT_PUBLIC)))).isEqualTo(B_SX);
        assertThat(hex(SharedKey.agree(vehicle, hex(B_CLIENT_PUBLIC)).bytes())).isEqualTo(B_K);
        Metadata metadata = MetadataSets.command(SignatureType.SIGNATURE_TYPE_AES_GCM_PERSONALIZED, 2, VIN,
                hex(B_EPOCH), 50000, 0xFFFFFFFFL, 0);
        assertThat(hex(metadata.serialized())).isEqualTo(B_METADATA);
        assertThat(hex(metadata.sha256())).isEqualTo(B_AAD);
    }

    @Test
    void verifiesAndDecryptsTheKnownMessage() throws Exception {
        DomainVerifier verifier = verifier(VerifierPolicy.reference());
        assertThat(hex(verifier.verify(message))).isEqualTo(B_PLAINTEXT);
        assertThat(verifier.counter()).isEqualTo(0xFFFFFFFFL);
    }

    @Test
    void rotatesTheEpochOnceTheCounterIsExhausted() throws Exception {
        DomainVerifier verifier = verifier(VerifierPolicy.reference());
        verifier.verify(message);
        SessionInfo info = SessionInfo.parseFrom(verifier.signedSessionInfo(new byte[16]).encoded());
        assertThat(hex(info.getEpoch().toByteArray())).isNotEqualTo(B_EPOCH);
        assertThat(info.getCounter()).isZero();
        assertThatThrownBy(() -> verifier.verify(message))
                .isInstanceOfSatisfying(VerificationFault.class, fault -> {
                    assertThat(fault.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INCORRECT_EPOCH);
                    assertThat(fault.withSessionInfo()).isTrue();
                });
    }

    @Test
    void refusesATamperedCiphertextWithSessionInfo() throws Exception {
        byte[] bytes = hex(B_MESSAGE);
        bytes[20] ^= 1; // inside protobuf_message_as_bytes
        RoutableMessage tampered = RoutableMessage.parseFrom(bytes);
        assertThatThrownBy(() -> verifier(VerifierPolicy.reference()).verify(tampered))
                .isInstanceOfSatisfying(VerificationFault.class, fault -> {
                    assertThat(fault.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_SIGNATURE);
                    assertThat(fault.withSessionInfo()).isTrue();
                });
    }

    @Test
    void theSimulatorsDefaultTtlCapRefusesAnExpiryFarAhead() throws Exception {
        assertThatThrownBy(() -> verifier(VerifierPolicy.defaults()).verify(message))
                .isInstanceOfSatisfying(VerificationFault.class, fault ->
                        assertThat(fault.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG));
    }
}
