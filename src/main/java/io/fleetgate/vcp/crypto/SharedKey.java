package io.fleetgate.vcp.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session key K of one (client key, vehicle domain key) pair: {@code SHA-1(Sx)[0..16)}, the
 * AES-128-GCM key, and the two HMAC sub-keys derived from it.
 */
public final class SharedKey {
    public static final int TAG_LENGTH = 16;
    public static final int NONCE_LENGTH = 12;
    private static final byte[] LABEL_SESSION_INFO = "session info".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL_COMMAND = "authenticated command".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final byte[] sessionInfoKey;
    private final byte[] commandKey;

    /** Ciphertext without the tag, and the 16-byte tag. */
    public record Sealed(byte[] ciphertext, byte[] tag) {
    }

    private SharedKey(byte[] key) {
        this.key = key;
        this.sessionInfoKey = Digests.hmacSha256(key, LABEL_SESSION_INFO);
        this.commandKey = Digests.hmacSha256(key, LABEL_COMMAND);
    }

    /** K from the 32-byte ECDH x-coordinate. */
    public static SharedKey fromSharedSecret(byte[] sharedX) {
        if (sharedX.length != 32) {
            throw new IllegalArgumentException("shared secret must be 32 bytes");
        }
        return new SharedKey(Arrays.copyOf(Digests.sha1(sharedX), 16));
    }

    /** ECDH of {@code own} with a peer's 65-byte point, then K. */
    public static SharedKey agree(EcKeyPair own, byte[] peerPoint) throws InvalidKeyException {
        return fromSharedSecret(own.sharedSecret(peerPoint));
    }

    public byte[] bytes() {
        return key.clone();
    }

    /** HMAC-SHA256(K, "session info"). */
    public byte[] sessionInfoKey() {
        return sessionInfoKey.clone();
    }

    /** HMAC-SHA256(K, "authenticated command"). */
    public byte[] commandKey() {
        return commandKey.clone();
    }

    /** The tag over the exact serialized SessionInfo bytes, with the request uuid as challenge. */
    public byte[] sessionInfoTag(byte[] vin, byte[] challenge, byte[] encodedInfo) {
        return MetadataSets.sessionInfo(vin, challenge).hmacSha256(sessionInfoKey, encodedInfo);
    }

    /** The HMAC-personalized tag: {@code HMAC(commandKey, items || FF || payload)}. */
    public byte[] commandTag(Metadata metadata, byte[] payload) {
        return metadata.hmacSha256(commandKey, payload);
    }

    /** Constant-time comparison of an expected tag with a received one. */
    public static boolean tagsEqual(byte[] expected, byte[] received) {
        return received != null && MessageDigest.isEqual(expected, received);
    }

    public Sealed seal(byte[] nonce, byte[] plaintext, byte[] aad) {
        try {
            byte[] out = cipher(Cipher.ENCRYPT_MODE, nonce, aad).doFinal(plaintext);
            int split = out.length - TAG_LENGTH;
            return new Sealed(Arrays.copyOf(out, split), Arrays.copyOfRange(out, split, out.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Plaintext, or {@link AEADBadTagException} when the tag, nonce or associated data do not match. */
    public byte[] open(byte[] nonce, byte[] ciphertext, byte[] tag, byte[] aad) throws AEADBadTagException {
        if (nonce == null || nonce.length != NONCE_LENGTH || tag == null || tag.length != TAG_LENGTH) {
            throw new AEADBadTagException("nonce must be 12 bytes and tag 16 bytes");
        }
        byte[] joined = new byte[ciphertext.length + tag.length];
        System.arraycopy(ciphertext, 0, joined, 0, ciphertext.length);
        System.arraycopy(tag, 0, joined, ciphertext.length, tag.length);
        try {
            return cipher(Cipher.DECRYPT_MODE, nonce, aad).doFinal(joined);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new AEADBadTagException("AES-GCM decryption failed: " + e.getMessage());
        }
    }

    private Cipher cipher(int mode, byte[] nonce, byte[] aad) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        cipher.updateAAD(aad);
        return cipher;
    }
}
