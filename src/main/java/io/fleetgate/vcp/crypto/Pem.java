package io.fleetgate.vcp.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM reading and writing for P-256 keys: PKCS#8 and SEC1 private keys, SPKI public keys. */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private record Block(String type, String body) {
    }

    private Pem() {
    }

    /** The private scalar of the first private key in {@code pem}; other curves, RSA and encrypted keys fail. */
    static BigInteger privateScalar(String pem) throws InvalidKeyException {
        for (Block block : blocks(pem)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8Scalar(decode(block));
                }
                case "EC PRIVATE KEY" -> {
                    return sec1Scalar(decode(block));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new InvalidKeyException("encrypted private keys are not supported");
                default -> {
                    // e.g. "EC PARAMETERS" ahead of the key, as openssl ecparam writes it
                }
            }
        }
        throw new InvalidKeyException("no PRIVATE KEY or EC PRIVATE KEY block found");
    }

    /**
     * A public key as the 65-byte uncompressed point, from a {@code BEGIN PUBLIC KEY} PEM, a
     * hex string, or (via {@link #publicKey(byte[])}) raw bytes.
     */
    public static byte[] publicKey(String text) throws InvalidKeyException {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.startsWith("-----")) {
            for (Block block : blocks(trimmed)) {
                if (block.type().equals("PUBLIC KEY")) {
                    return spkiPoint(decode(block));
                }
            }
            throw new InvalidKeyException("no PUBLIC KEY block found");
        }
        try {
            return publicKey(HexFormat.of().parseHex(trimmed));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("public key is neither PEM nor hex");
        }
    }

    /** Checks a raw 65-byte point and returns a copy. */
    public static byte[] publicKey(byte[] point) throws InvalidKeyException {
        P256.decode(point);
        return point.clone();
    }

    public static String encode(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    private static List<Block> blocks(String pem) throws InvalidKeyException {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(pem == null ? "" : pem);
        while (matcher.find()) {
            blocks.add(new Block(matcher.group(1), matcher.group(2)));
        }
        if (blocks.isEmpty()) {
            throw new InvalidKeyException("not PEM");
        }
        return blocks;
    }

    private static byte[] decode(Block block) throws InvalidKeyException {
        if (block.body().contains(":")) {
            throw new InvalidKeyException("encrypted PEM (Proc-Type header) is not supported");
        }
        try {
            return Base64.getMimeDecoder().decode(block.body());
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("bad base64 in PEM", e);
        }
    }

    private static BigInteger pkcs8Scalar(byte[] der) throws InvalidKeyException {
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("not an EC private key in PKCS#8", e);
        }
        if (!(key instanceof ECPrivateKey ec) || !P256.isP256(ec.getParams())) {
            throw new InvalidKeyException("private key is not on P-256 (prime256v1)");
        }
        return P256.checkScalar(ec.getS());
    }

    /** RFC 5915: SEQUENCE { version 1, OCTET STRING d, [0] curve OID, [1] public key }. */
    private static BigInteger sec1Scalar(byte[] der) throws InvalidKeyException {
        Der fields = new Der(new Der(der).expect(Der.SEQUENCE).value());
        byte[] version = fields.expect(Der.INTEGER).value();
        if (version.length != 1 || version[0] != 1) {
            throw new InvalidKeyException("unsupported SEC1 version");
        }
        byte[] scalar = fields.expect(Der.OCTET_STRING).value();
        boolean p256 = false;
        while (fields.hasMore()) {
            Der.Element element = fields.next();
            if (element.tag() == Der.CONTEXT_0) {
                byte[] oid = new Der(element.value()).expect(Der.OID).value();
                p256 = Arrays.equals(oid, Der.P256_OID);
                if (!p256) {
                    throw new InvalidKeyException("private key is not on P-256 (prime256v1)");
                }
            }
            // [1] holds a public key; it is recomputed from the scalar instead of trusted
        }
        if (!p256) {
            throw new InvalidKeyException("SEC1 key does not name its curve");
        }
        return P256.checkScalar(new BigInteger(1, scalar));
    }

    private static byte[] spkiPoint(byte[] der) throws InvalidKeyException {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("not an EC public key", e);
        }
        if (!(key instanceof ECPublicKey ec) || !P256.isP256(ec.getParams())) {
            throw new InvalidKeyException("public key is not on P-256 (prime256v1)");
        }
        byte[] point = P256.encode(ec.getW());
        P256.decode(point);
        return point;
    }
}
