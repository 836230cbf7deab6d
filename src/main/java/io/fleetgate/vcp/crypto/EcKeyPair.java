package io.fleetgate.vcp.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;

/**
 * A P-256 key pair: Fleetgate's fleet key, or a vehicle domain's key in the simulator. The public
 * key is always recomputed from the private scalar, so a file whose embedded public key is wrong
 * still yields the right pair.
 */
public final class EcKeyPair {
    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;
    private final byte[] publicBytes;

    private EcKeyPair(BigInteger scalar) throws InvalidKeyException {
        ECPoint point = P256.publicPoint(scalar);
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            this.privateKey = (ECPrivateKey) factory.generatePrivate(new ECPrivateKeySpec(scalar, P256.PARAMS));
            this.publicKey = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(point, P256.PARAMS));
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("cannot build P-256 key", e);
        }
        this.publicBytes = P256.encode(point);
    }

    private EcKeyPair(ECPrivateKey privateKey, ECPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.publicBytes = P256.encode(publicKey.getW());
    }

    /** A new random key pair. */
    public static EcKeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            // the provider's public key is d * G already: not computed again
            return new EcKeyPair((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 key generation unavailable", e);
        }
    }

    /** From a big-endian private scalar (up to 32 bytes). */
    public static EcKeyPair fromScalar(byte[] scalar) throws InvalidKeyException {
        return new EcKeyPair(new BigInteger(1, scalar));
    }

    public static EcKeyPair fromScalarHex(String hex) throws InvalidKeyException {
        return fromScalar(HexFormat.of().parseHex(hex));
    }

    /** From PEM: PKCS#8 {@code BEGIN PRIVATE KEY} or SEC1 {@code BEGIN EC PRIVATE KEY}. */
    public static EcKeyPair fromPem(String pem) throws InvalidKeyException {
        return new EcKeyPair(Pem.privateScalar(pem));
    }

    /** PKCS#8 PEM of the private key. */
    public String privateKeyPem() {
        return Pem.encode("PRIVATE KEY", privateKey.getEncoded());
    }

    /** SubjectPublicKeyInfo PEM, as served at {@code /.well-known/appspecific/com.tesla.3p.public-key.pem}. */
    public String publicKeyPem() {
        return Pem.encode("PUBLIC KEY", publicKey.getEncoded());
    }

    /** The 65-byte uncompressed point, as sent in {@code signer_identity.public_key}. */
    public byte[] publicKeyBytes() {
        return publicBytes.clone();
    }

    /** The private scalar, 32 bytes big-endian: for Schnorr signing in this package only. */
    byte[] scalarBytes() {
        return P256.fixed32(privateKey.getS());
    }

    public String publicKeyHex() {
        return HexFormat.of().formatHex(publicBytes);
    }

    public ECPublicKey publicKey() {
        return publicKey;
    }

    /**
     * ECDH with a peer's 65-byte point: the x-coordinate of the shared point, exactly 32 bytes.
     * Points off the curve are rejected before JCA sees them.
     */
    public byte[] sharedSecret(byte[] peerPoint) throws InvalidKeyException {
        ECPoint point = P256.decode(peerPoint);
        try {
            ECPublicKey peer = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new ECPublicKeySpec(point, P256.PARAMS));
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(privateKey);
            agreement.doPhase(peer, true);
            return P256.fixed32(new BigInteger(1, agreement.generateSecret()));
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("ECDH failed", e);
        }
    }

    @Override
    public String toString() {
        return "EcKeyPair[public=" + publicKeyHex() + "]";
    }
}
