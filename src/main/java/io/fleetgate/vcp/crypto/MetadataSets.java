package io.fleetgate.vcp.crypto;

import io.fleetgate.vcp.proto.Signatures.SignatureType;
import io.fleetgate.vcp.proto.Signatures.Tag;
import java.util.Arrays;

/**
 * The four metadata sets of the protocol (reference 2.4), shared by the client and the
 * vehicle-side verifier so both compute exactly the same bytes.
 */
public final class MetadataSets {
    private static final int VCSEC_DOMAIN = 2;

    private MetadataSets() {
    }

    /** (a) Session-info tag: no domain; the challenge is the request's uuid. */
    public static Metadata sessionInfo(byte[] vin, byte[] challenge) {
        return new Metadata()
                .add(Tag.TAG_SIGNATURE_TYPE, new byte[] {(byte) SignatureType.SIGNATURE_TYPE_HMAC_VALUE})
                .add(Tag.TAG_PERSONALIZATION, vin)
                .add(Tag.TAG_CHALLENGE, challenge);
    }

    /** (b) HMAC-personalized or (c) AES-GCM-personalized command; flags only when non-zero. */
    public static Metadata command(SignatureType type, int toDomain, byte[] vin, byte[] epoch,
                                   long expiresAt, long counter, long flags) {
        if (toDomain < 0 || toDomain > 255) {
            throw new IllegalArgumentException("domain out of range: " + toDomain);
        }
        Metadata metadata = new Metadata()
                .add(Tag.TAG_SIGNATURE_TYPE, new byte[] {(byte) type.getNumber()})
                .add(Tag.TAG_DOMAIN, new byte[] {(byte) toDomain})
                .add(Tag.TAG_PERSONALIZATION, vin)
                .add(Tag.TAG_EPOCH, epoch)
                .addUint32(Tag.TAG_EXPIRES_AT, expiresAt)
                .addUint32(Tag.TAG_COUNTER, counter);
        if (flags != 0) {
            metadata.addUint32(Tag.TAG_FLAGS, flags);
        }
        return metadata;
    }

    /** (d) AES-GCM response: flags always present, fault 0 when the reply has no status. */
    public static Metadata response(int fromDomain, byte[] vin, long counter, long flags,
                                    byte[] requestHash, int fault) {
        return new Metadata()
                .add(Tag.TAG_SIGNATURE_TYPE, new byte[] {(byte) SignatureType.SIGNATURE_TYPE_AES_GCM_RESPONSE_VALUE})
                .add(Tag.TAG_DOMAIN, new byte[] {(byte) fromDomain})
                .add(Tag.TAG_PERSONALIZATION, vin)
                .addUint32(Tag.TAG_COUNTER, counter)
                .addUint32(Tag.TAG_FLAGS, flags)
                .add(Tag.TAG_REQUEST_HASH, requestHash)
                .addUint32(Tag.TAG_FAULT, Integer.toUnsignedLong(fault));
    }

    /**
     * The request hash that binds a response to its request: signature type byte and the
     * request's tag, cut to 17 bytes for VCSEC.
     */
    public static byte[] requestHash(SignatureType type, byte[] tag, int toDomain) {
        byte[] hash = new byte[1 + tag.length];
        hash[0] = (byte) type.getNumber();
        System.arraycopy(tag, 0, hash, 1, tag.length);
        return toDomain == VCSEC_DOMAIN && hash.length > 17 ? Arrays.copyOf(hash, 17) : hash;
    }
}
