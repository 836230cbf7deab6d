package io.fleetgate.vcp.crypto;

import static io.fleetgate.vcp.Kat.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.Signatures.SignatureType;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** KAT A (protocol.md chain), KAT D (ECDH edge cases) and the 6.6 fixture keys. */
class KeyAgreementKnownAnswerTest {
    private static final byte[] VIN = A_VIN.getBytes(StandardCharsets.US_ASCII);

    @Test
    void derivesPublicKeysFromScalars() throws Exception {
        assertThat(EcKeyPair.fromScalarHex(A_CLIENT_SCALAR).publicKeyHex()).isEqualTo(A_CLIENT_PUBLIC);
        assertThat(EcKeyPair.fromScalarHex(A_VEHICLE_SCALAR).publicKeyHex()).isEqualTo(A_VEHICLE_PUBLIC);
        assertThat(EcKeyPair.fromScalarHex(B_VEHICLE_SCALAR).publicKeyHex()).isEqualTo(B_VEHICLE_PUBLIC);
        assertThat(EcKeyPair.fromScalarHex(D_SCALAR_2).publicKeyHex()).isEqualTo(D_PUBLIC_2);
    }

    @Test
    void bothSidesAgreeOnTheSharedSecretAndSessionKey() throws Exception {
        EcKeyPair client = EcKeyPair.fromScalarHex(A_CLIENT_SCALAR);
        EcKeyPair vehicle = EcKeyPair.fromScalarHex(A_VEHICLE_SCALAR);
        assertThat(hex(client.sharedSecret(hex(A_VEHICLE_PUBLIC)))).isEqualTo(A_SX);
        assertThat(hex(vehicle.sharedSecret(hex(A_CLIENT_PUBLIC)))).isEqualTo(A_SX);

        SharedKey key = SharedKey.agree(client, hex(A_VEHICLE_PUBLIC));
        assertThat(hex(key.bytes())).isEqualTo(A_K);
        assertThat(hex(key.sessionInfoKey())).isEqualTo(A_SESSION_INFO_KEY);
        assertThat(hex(key.commandKey())).isEqualTo(A_COMMAND_KEY);
    }

    @Test
    void sessionInfoTagMatchesTheProtocolExample() throws Exception {
        SharedKey key = SharedKey.agree(EcKeyPair.fromScalarHex(A_CLIENT_SCALAR), hex(A_VEHICLE_PUBLIC));
        assertThat(hex(MetadataSets.sessionInfo(VIN, hex(A_UUID)).serialized())).isEqualTo(A_SESSION_INFO_METADATA);
        assertThat(hex(key.sessionInfoTag(VIN, hex(A_UUID), hex(A_SESSION_INFO)))).isEqualTo(A_SESSION_INFO_TAG);

        SessionInfo info = SessionInfo.parseFrom(hex(A_SESSION_INFO));
        assertThat(info.getCounter()).isEqualTo(6);
        assertThat(info.getClockTime()).isEqualTo(2650);
        assertThat(hex(info.getEpoch().toByteArray())).isEqualTo(A_EPOCH);
        assertThat(hex(info.getPublicKey().toByteArray())).isEqualTo(A_VEHICLE_PUBLIC);
    }

    @Test
    void gcmCommandMatchesTheKnownCiphertext() throws Exception {
        SharedKey key = SharedKey.fromSharedSecret(hex(A_SX));
        Metadata metadata = MetadataSets.command(SignatureType.SIGNATURE_TYPE_AES_GCM_PERSONALIZED, 3, VIN,
                hex(A_EPOCH), 2655, 7, 0);
        assertThat(hex(metadata.serialized())).isEqualTo(A_GCM_METADATA);
        assertThat(hex(metadata.sha256())).isEqualTo(A_GCM_AAD);

        SharedKey.Sealed sealed = key.seal(hex(A_GCM_NONCE), hex(A_PAYLOAD), metadata.sha256());
        assertThat(hex(sealed.ciphertext())).isEqualTo(A_GCM_CIPHERTEXT);
        assertThat(hex(sealed.tag())).isEqualTo(A_GCM_TAG);
        assertThat(hex(key.open(hex(A_GCM_NONCE), hex(A_GCM_CIPHERTEXT), hex(A_GCM_TAG), hex(A_GCM_AAD))))
                .isEqualTo(A_PAYLOAD);
    }

    @Test
    void gcmRefusesAnyChangeToTheAssociatedData() {
        SharedKey key = SharedKey.fromSharedSecret(hex(A_SX));
        byte[] aad = hex(A_GCM_AAD);
        aad[0] ^= 1;
        assertThatThrownBy(() -> key.open(hex(A_GCM_NONCE), hex(A_GCM_CIPHERTEXT), hex(A_GCM_TAG), aad))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void hmacPersonalizedTagMatchesAnIndependentComputation() {
        SharedKey key = SharedKey.fromSharedSecret(hex(A_SX));
        Metadata metadata = MetadataSets.command(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED, 3, VIN,
                hex(A_EPOCH), 2655, 7, 2);
        assertThat(hex(metadata.serialized())).isEqualTo(A_HMAC_METADATA);
        assertThat(hex(key.commandTag(metadata, hex(A_PAYLOAD)))).isEqualTo(A_HMAC_TAG);
    }

    @Test
    void responseAuthenticationMatchesAnIndependentComputation() throws Exception {
        SharedKey key = SharedKey.fromSharedSecret(hex(A_SX));
        byte[] requestHash = MetadataSets.requestHash(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED, hex(A_HMAC_TAG), 3);
        assertThat(requestHash).hasSize(33);
        Metadata metadata = MetadataSets.response(3, VIN, 1, 0, requestHash, 0);
        assertThat(hex(metadata.serialized())).isEqualTo(A_RESPONSE_METADATA);
        assertThat(hex(metadata.sha256())).isEqualTo(A_RESPONSE_AAD);
        assertThat(hex(key.open(hex(A_RESPONSE_NONCE), hex(A_RESPONSE_CIPHERTEXT), hex(A_RESPONSE_TAG),
                metadata.sha256()))).isEqualTo(A_RESPONSE_PLAINTEXT);
    }

    @Test
    void requestHashIsCutTo17BytesOnlyForVcsec() {
        byte[] tag = new byte[19];
        for (int i = 0; i < tag.length; i++) {
            tag[i] = (byte) i;
        }
        assertThat(hex(MetadataSets.requestHash(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED, tag, 2)))
                .isEqualTo("08000102030405060708090a0b0c0d0e0f");
        assertThat(MetadataSets.requestHash(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED, tag, 3)).hasSize(20);
    }

    @Test
    void keepsTheLeadingZeroOfASharedSecret() throws Exception {
        EcKeyPair own = EcKeyPair.fromScalarHex(D_SCALAR);
        byte[] sx = own.sharedSecret(hex(D_PEER));
        assertThat(sx).hasSize(32);
        assertThat(hex(sx)).isEqualTo(D_SX);
        assertThat(hex(SharedKey.fromSharedSecret(sx).bytes())).isEqualTo(D_K);
    }

    @Test
    void rejectsPointsOffTheCurveAndZeroScalars() throws Exception {
        EcKeyPair own = EcKeyPair.fromScalarHex(D_SCALAR);
        byte[] tampered = hex(D_PEER);
        tampered[1] ^= 1;
        assertThatThrownBy(() -> own.sharedSecret(tampered)).isInstanceOf(InvalidKeyException.class);
        byte[] zeroPoint = new byte[65];
        zeroPoint[0] = 4;
        assertThatThrownBy(() -> own.sharedSecret(zeroPoint)).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> own.sharedSecret(new byte[64])).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> EcKeyPair.fromScalar(new byte[32])).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void fixtureKeysGiveTheSameKeyOnBothSides() throws Exception {
        EcKeyPair verifier = EcKeyPair.fromScalarHex(F_VERIFIER_SCALAR);
        EcKeyPair signer = EcKeyPair.fromScalarHex(F_SIGNER_SCALAR);
        assertThat(hex(SharedKey.agree(signer, verifier.publicKeyBytes()).bytes())).isEqualTo(F_K);
        assertThat(hex(SharedKey.agree(verifier, signer.publicKeyBytes()).bytes())).isEqualTo(F_K);
    }
}
