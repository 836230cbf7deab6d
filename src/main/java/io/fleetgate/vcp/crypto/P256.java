package io.fleetgate.vcp.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Arrays;

/**
 * NIST P-256, the only curve vehicles accept. JCA does ECDH but does not derive a public key from
 * a scalar or check an encoded point; both are done here. A key's public point (once per key load)
 * and Schnorr signing's secret nonce (once per signature) both go through the fixed-sequence ladder
 * {@link #multiplyGenerator}.
 */
public final class P256 {
    /** Length of an uncompressed point: 0x04 || X || Y. */
    public static final int POINT_LENGTH = 65;

    public static final ECParameterSpec PARAMS = params();
    private static final BigInteger P = ((ECFieldFp) PARAMS.getCurve().getField()).getP();
    private static final BigInteger A = PARAMS.getCurve().getA();
    private static final BigInteger B = PARAMS.getCurve().getB();
    private static final BigInteger N = PARAMS.getOrder();
    private static final BigInteger THREE = BigInteger.valueOf(3);

    private P256() {
    }

    private static ECParameterSpec params() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secp256r1 is not available", e);
        }
    }

    /** True when {@code spec} describes P-256 (whatever name the provider gave it). */
    public static boolean isP256(ECParameterSpec spec) {
        return spec != null && spec.getOrder().equals(N) && spec.getCurve().equals(PARAMS.getCurve())
                && spec.getGenerator().equals(PARAMS.getGenerator());
    }

    /** The scalar as a valid private key value: 1 <= d < n. */
    public static BigInteger checkScalar(BigInteger d) throws InvalidKeyException {
        if (d.signum() <= 0 || d.compareTo(N) >= 0) {
            throw new InvalidKeyException("private scalar out of range for P-256");
        }
        return d;
    }

    /**
     * d * G: the ladder signing uses, whose steps do not follow the bits of the private scalar, in
     * Jacobian coordinates (one inversion at the end, where affine double-and-add took one per step:
     * 40 ms against 57 in a cold JVM, 2.3-4 ms against 6 warm).
     */
    public static ECPoint publicPoint(BigInteger d) throws InvalidKeyException {
        return multiplyGenerator(d);
    }

    /**
     * k * point for public values (signature verification): any k >= 0, reduced mod n; the result
     * may be {@link ECPoint#POINT_INFINITY}. Not constant-time.
     */
    static ECPoint multiply(ECPoint point, BigInteger k) {
        BigInteger scalar = k.mod(N);
        ECPoint result = ECPoint.POINT_INFINITY;
        ECPoint addend = point;
        for (int i = 0; i < scalar.bitLength(); i++) {
            if (scalar.testBit(i)) {
                result = add(result, addend);
            }
            addend = twice(addend);
        }
        return result;
    }

    /** p + q, either of which may be the point at infinity. */
    static ECPoint sum(ECPoint p, ECPoint q) {
        return add(p, q);
    }

    /**
     * k * G for a secret k (a signing nonce), 1 <= k < n. A Montgomery ladder in Jacobian
     * coordinates over k + n or k + 2n, whichever has 257 bits, so every k takes the same 256
     * add-and-double steps and no step branches on a bit of k. BigInteger arithmetic itself is
     * not constant-time: this narrows the timing channel of a plain double-and-add, it does not
     * close it.
     */
    static ECPoint multiplyGenerator(BigInteger k) throws InvalidKeyException {
        checkScalar(k);
        BigInteger padded = k.add(N);
        if (!padded.testBit(256)) {
            padded = padded.add(N);
        }
        Jacobian generator = Jacobian.of(PARAMS.getGenerator());
        Jacobian[] ladder = {generator, generator.twice()};
        for (int i = 255; i >= 0; i--) {
            int bit = padded.testBit(i) ? 1 : 0;
            ladder[1 - bit] = ladder[0].plus(ladder[1]);
            ladder[bit] = ladder[bit].twice();
        }
        return ladder[0].affine();
    }

    /** A point as (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. */
    private record Jacobian(BigInteger x, BigInteger y, BigInteger z) {
        static final Jacobian INFINITY = new Jacobian(BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO);

        static Jacobian of(ECPoint point) {
            return new Jacobian(point.getAffineX(), point.getAffineY(), BigInteger.ONE);
        }

        boolean infinite() {
            return z.signum() == 0;
        }

        /** dbl-2001-b, for curves with a = -3. */
        Jacobian twice() {
            if (infinite() || y.signum() == 0) {
                return INFINITY;
            }
            BigInteger delta = z.multiply(z).mod(P);
            BigInteger gamma = y.multiply(y).mod(P);
            BigInteger beta = x.multiply(gamma).mod(P);
            BigInteger alpha = THREE.multiply(x.subtract(delta)).multiply(x.add(delta)).mod(P);
            BigInteger x3 = alpha.multiply(alpha).subtract(beta.shiftLeft(3)).mod(P);
            BigInteger z3 = y.add(z).pow(2).subtract(gamma).subtract(delta).mod(P);
            BigInteger y3 = alpha.multiply(beta.shiftLeft(2).subtract(x3))
                    .subtract(gamma.multiply(gamma).shiftLeft(3)).mod(P);
            return new Jacobian(x3, y3, z3);
        }

        Jacobian plus(Jacobian other) {
            if (infinite()) {
                return other;
            }
            if (other.infinite()) {
                return this;
            }
            BigInteger z1z1 = z.multiply(z).mod(P);
            BigInteger z2z2 = other.z.multiply(other.z).mod(P);
            BigInteger u1 = x.multiply(z2z2).mod(P);
            BigInteger u2 = other.x.multiply(z1z1).mod(P);
            BigInteger s1 = y.multiply(other.z).multiply(z2z2).mod(P);
            BigInteger s2 = other.y.multiply(z).multiply(z1z1).mod(P);
            BigInteger h = u2.subtract(u1).mod(P);
            BigInteger r = s2.subtract(s1).mod(P);
            if (h.signum() == 0) {
                return r.signum() == 0 ? twice() : INFINITY;
            }
            BigInteger hh = h.multiply(h).mod(P);
            BigInteger hhh = hh.multiply(h).mod(P);
            BigInteger u1hh = u1.multiply(hh).mod(P);
            BigInteger x3 = r.multiply(r).subtract(hhh).subtract(u1hh.shiftLeft(1)).mod(P);
            BigInteger y3 = r.multiply(u1hh.subtract(x3)).subtract(s1.multiply(hhh)).mod(P);
            BigInteger z3 = h.multiply(z).multiply(other.z).mod(P);
            return new Jacobian(x3, y3, z3);
        }

        ECPoint affine() {
            if (infinite()) {
                return ECPoint.POINT_INFINITY;
            }
            BigInteger zInverse = z.modInverse(P);
            BigInteger zInverse2 = zInverse.multiply(zInverse).mod(P);
            return new ECPoint(x.multiply(zInverse2).mod(P), y.multiply(zInverse2).multiply(zInverse).mod(P));
        }
    }

    /** 0x04 || X || Y with both coordinates left-padded to 32 bytes. */
    public static byte[] encode(ECPoint point) {
        byte[] out = new byte[POINT_LENGTH];
        out[0] = 0x04;
        System.arraycopy(fixed32(point.getAffineX()), 0, out, 1, 32);
        System.arraycopy(fixed32(point.getAffineY()), 0, out, 33, 32);
        return out;
    }

    /** Parses an uncompressed point and rejects anything that is not on the curve. */
    public static ECPoint decode(byte[] encoded) throws InvalidKeyException {
        if (encoded == null || encoded.length != POINT_LENGTH || encoded[0] != 0x04) {
            throw new InvalidKeyException("public key must be a 65-byte uncompressed P-256 point");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(encoded, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(encoded, 33, 65));
        ECPoint point = new ECPoint(x, y);
        if (!onCurve(point)) {
            throw new InvalidKeyException("public key is not a point on P-256");
        }
        return point;
    }

    public static boolean onCurve(ECPoint point) {
        if (point.equals(ECPoint.POINT_INFINITY)) {
            return false;
        }
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right = x.pow(3).add(A.multiply(x)).add(B).mod(P);
        return left.equals(right);
    }

    /** Unsigned big-endian, exactly 32 bytes. */
    public static byte[] fixed32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static ECPoint add(ECPoint p, ECPoint q) {
        if (p.equals(ECPoint.POINT_INFINITY)) {
            return q;
        }
        if (q.equals(ECPoint.POINT_INFINITY)) {
            return p;
        }
        if (p.getAffineX().equals(q.getAffineX())) {
            return p.getAffineY().equals(q.getAffineY()) ? twice(p) : ECPoint.POINT_INFINITY;
        }
        BigInteger lambda = q.getAffineY().subtract(p.getAffineY())
                .multiply(q.getAffineX().subtract(p.getAffineX()).modInverse(P)).mod(P);
        return line(lambda, p, q.getAffineX());
    }

    private static ECPoint twice(ECPoint p) {
        if (p.equals(ECPoint.POINT_INFINITY) || p.getAffineY().signum() == 0) {
            return ECPoint.POINT_INFINITY;
        }
        BigInteger x = p.getAffineX();
        BigInteger lambda = THREE.multiply(x).multiply(x).add(A)
                .multiply(p.getAffineY().shiftLeft(1).modInverse(P)).mod(P);
        return line(lambda, p, x);
    }

    private static ECPoint line(BigInteger lambda, ECPoint p, BigInteger otherX) {
        BigInteger x3 = lambda.multiply(lambda).subtract(p.getAffineX()).subtract(otherX).mod(P);
        BigInteger y3 = lambda.multiply(p.getAffineX().subtract(x3)).subtract(p.getAffineY()).mod(P);
        return new ECPoint(x3, y3);
    }
}
