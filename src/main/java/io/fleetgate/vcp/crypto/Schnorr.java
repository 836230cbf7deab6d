package io.fleetgate.vcp.crypto;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.spec.ECPoint;
import java.util.Arrays;

/**
 * Tesla's Schnorr signature over P-256 with SHA-256 (RFC 8235 with a deterministic RFC 6979
 * nonce), the signature of {@code Tesla.SS256} tokens. It lets the fleet key, an ECDH key, sign
 * fleet-wide messages such as telemetry configs; the challenge hash is SHA-256 while the ECDH key
 * derivation uses SHA-1, which keeps the two uses apart.
 *
 * <p>With private key {@code a}, public key {@code A = aG} and message {@code m}: nonce
 * {@code v} from RFC 6979 over {@code a} and SHA-256(m), {@code V = vG},
 * {@code c = SHA-256(LV(G) || LV(V) || LV(A) || LV(m))} where {@code LV} is a 4-byte big-endian
 * length followed by the bytes and points are 65-byte uncompressed, {@code r = v - a*c mod n}.
 * The signature is {@code V.x || V.y || r}, 32 bytes each; it verifies when {@code rG + cA = V}.
 */
public final class Schnorr {
    public static final int SIGNATURE_LENGTH = 96;

    private static final int SCALAR_LENGTH = 32;
    private static final BigInteger N = P256.PARAMS.getOrder();
    private static final byte[] GENERATOR = P256.encode(P256.PARAMS.getGenerator());

    private Schnorr() {
    }

    /** The 96-byte signature of {@code message}; the same key and message always give the same bytes. */
    public static byte[] sign(EcKeyPair key, byte[] message) {
        byte[] scalar = key.scalarBytes();
        byte[] nonce = deterministicNonce(scalar, Digests.sha256(message));
        BigInteger v = new BigInteger(1, nonce);
        byte[] publicNonce;
        try {
            publicNonce = P256.encode(P256.multiplyGenerator(v));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("RFC 6979 gave a nonce outside [1, n-1]", e);
        }
        BigInteger c = new BigInteger(1, challenge(publicNonce, key.publicKeyBytes(), message));
        BigInteger r = v.subtract(new BigInteger(1, scalar).multiply(c)).mod(N);

        byte[] signature = new byte[SIGNATURE_LENGTH];
        System.arraycopy(publicNonce, 1, signature, 0, 2 * SCALAR_LENGTH);
        System.arraycopy(P256.fixed32(r), 0, signature, 2 * SCALAR_LENGTH, SCALAR_LENGTH);
        return signature;
    }

    /**
     * True when {@code signature} is {@code publicKey}'s signature of {@code message}. A signature
     * of the wrong length or whose nonce point is off the curve is simply invalid.
     *
     * @throws InvalidKeyException when {@code publicKey} is not a 65-byte point on P-256
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) throws InvalidKeyException {
        ECPoint a = P256.decode(publicKey);
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        byte[] publicNonce = new byte[P256.POINT_LENGTH];
        publicNonce[0] = 0x04;
        System.arraycopy(signature, 0, publicNonce, 1, 2 * SCALAR_LENGTH);
        ECPoint v;
        try {
            v = P256.decode(publicNonce);
        } catch (InvalidKeyException notOnCurve) {
            return false;
        }
        BigInteger c = new BigInteger(1, challenge(publicNonce, publicKey, message));
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 2 * SCALAR_LENGTH, SIGNATURE_LENGTH));
        ECPoint expected = P256.sum(P256.multiply(P256.PARAMS.getGenerator(), r), P256.multiply(a, c));
        return expected.equals(v);
    }

    /**
     * RFC 6979 section 3.2 for P-256 and SHA-256 (qlen = hlen = 256, so each candidate is one
     * HMAC output): the nonce for a 32-byte private scalar and SHA-256 of the message. A candidate
     * outside [1, n-1] is discarded and the generator stepped, as step (h) says.
     */
    static byte[] deterministicNonce(byte[] scalar, byte[] messageHash) {
        byte[] x = P256.fixed32(new BigInteger(1, scalar));
        byte[] h1 = P256.fixed32(new BigInteger(1, messageHash).mod(N));
        byte[] v = new byte[32];
        Arrays.fill(v, (byte) 0x01);
        byte[] k = new byte[32];

        k = Digests.hmacSha256(k, v, new byte[] {0x00}, x, h1);
        v = Digests.hmacSha256(k, v);
        k = Digests.hmacSha256(k, v, new byte[] {0x01}, x, h1);
        v = Digests.hmacSha256(k, v);
        while (true) {
            v = Digests.hmacSha256(k, v);
            BigInteger candidate = new BigInteger(1, v);
            if (candidate.signum() > 0 && candidate.compareTo(N) < 0) {
                return v;
            }
            k = Digests.hmacSha256(k, v, new byte[] {0x00});
            v = Digests.hmacSha256(k, v);
        }
    }

    /** SHA-256(LV(G) || LV(V) || LV(A) || LV(message)). */
    static byte[] challenge(byte[] publicNonce, byte[] publicKey, byte[] message) {
        return Digests.sha256(length(GENERATOR), GENERATOR, length(publicNonce), publicNonce,
                length(publicKey), publicKey, length(message), message);
    }

    private static byte[] length(byte[] value) {
        return ByteBuffer.allocate(4).putInt(value.length).array();
    }
}
