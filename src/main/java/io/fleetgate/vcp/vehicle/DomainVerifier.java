package io.fleetgate.vcp.vehicle;

import com.google.protobuf.ByteString;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.Metadata;
import io.fleetgate.vcp.crypto.MetadataSets;
import io.fleetgate.vcp.crypto.SharedKey;
import io.fleetgate.vcp.crypto.SlidingWindow;
import io.fleetgate.vcp.proto.Signatures.AES_GCM_Personalized_Signature_Data;
import io.fleetgate.vcp.proto.Signatures.HMAC_Personalized_Signature_Data;
import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.Signatures.SignatureData;
import io.fleetgate.vcp.proto.Signatures.SignatureType;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import javax.crypto.AEADBadTagException;

/**
 * One vehicle domain's view of one client key (reference 2.11): the shared key, the epoch and its
 * start, the highest accepted counter with its replay window, and a response counter. All state
 * changes under the instance lock.
 */
public final class DomainVerifier {
    static final long MAX_COUNTER = 0xFFFFFFFFL;
    /** Epochs older than 2^30 s rotate, and no expiry may lie beyond it. */
    static final long EPOCH_LENGTH_SECONDS = 1L << 30;
    private static final Duration MAX_CLOCK_JUMP = Duration.ofDays(365);
    private static final int EPOCH_LENGTH = 16;

    /** Serialized SessionInfo and its HMAC tag. */
    public record SignedInfo(byte[] encoded, byte[] tag) {
    }

    /** An encrypted reply payload and the AES_GCM_Response_Signature_Data fields. */
    public record SealedReply(byte[] ciphertext, byte[] nonce, long counter, byte[] tag) {
    }

    private final Domain domain;
    private final byte[] vin;
    private final EcKeyPair vehicleKey;
    private final SharedKey key;
    private final Clock clock;
    private final RandomGenerator random;
    private final VerifierPolicy policy;

    private byte[] epoch = new byte[EPOCH_LENGTH];
    private Instant timeZero;
    private SlidingWindow window;
    private long responseCounter;

    public DomainVerifier(Domain domain, byte[] vin, EcKeyPair vehicleKey, byte[] clientPublicKey,
                          Clock clock, RandomGenerator random, VerifierPolicy policy) throws InvalidKeyException {
        if (vin.length > 255) {
            throw new IllegalArgumentException("VIN longer than 255 bytes");
        }
        this.domain = domain;
        this.vin = vin.clone();
        this.vehicleKey = vehicleKey;
        this.key = SharedKey.agree(vehicleKey, clientPublicKey);
        this.clock = clock;
        this.random = random;
        this.policy = policy;
        rotateEpoch();
    }

    /** Starts a new epoch: new random id, clock at zero, counter 0 (as after a reboot). */
    public synchronized void rotateEpoch() {
        // the generator is shared by all verifiers of a vehicle and need not be thread-safe
        synchronized (random) {
            random.nextBytes(epoch);
        }
        timeZero = clock.instant();
        window = new SlidingWindow(0, 0);
    }

    /** Replaces the epoch id, keeping clock and counter (for known-answer tests). */
    public synchronized void forceEpoch(byte[] id) {
        epoch = Arrays.copyOf(id, EPOCH_LENGTH);
    }

    public synchronized byte[] epoch() {
        return epoch.clone();
    }

    public synchronized long counter() {
        return window.counter();
    }

    /** Seconds since the epoch started, by the vehicle's clock. */
    public synchronized long clockTime() {
        return timestamp(clock.instant());
    }

    /** Fresh SessionInfo and its tag for {@code challenge} (the request's uuid). */
    public synchronized SignedInfo signedSessionInfo(byte[] challenge) {
        adjustClock();
        byte[] encoded = SessionInfo.newBuilder()
                .setCounter((int) window.counter())
                .setPublicKey(ByteString.copyFrom(vehicleKey.publicKeyBytes()))
                .setEpoch(ByteString.copyFrom(epoch))
                .setClockTime((int) timestamp(clock.instant()))
                .build().toByteArray();
        return new SignedInfo(encoded, key.sessionInfoTag(vin, challenge, encoded));
    }

    /** Checks an HMAC- or GCM-personalized command and returns its plaintext payload. */
    public synchronized byte[] verify(RoutableMessage message) throws VerificationFault {
        adjustClock();
        SignatureData sig = message.getSignatureData();
        if (!sig.hasHMACPersonalizedData() && !sig.hasAESGCMPersonalizedData()) {
            throw new VerificationFault(MessageFault_E.MESSAGEFAULT_ERROR_BAD_PARAMETER, false, "no usable signature");
        }
        Destination to = message.getToDestination();
        if (to.getSubDestinationCase() != Destination.SubDestinationCase.DOMAIN || to.getDomainValue() != domain.number()) {
            throw new VerificationFault(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_DOMAINS, false, "wrong domain");
        }
        boolean hmac = sig.hasHMACPersonalizedData();
        HMAC_Personalized_Signature_Data h = sig.getHMACPersonalizedData();
        AES_GCM_Personalized_Signature_Data g = sig.getAESGCMPersonalizedData();
        byte[] messageEpoch = (hmac ? h.getEpoch() : g.getEpoch()).toByteArray();
        long counter = Integer.toUnsignedLong(hmac ? h.getCounter() : g.getCounter());
        long expiresAt = Integer.toUnsignedLong(hmac ? h.getExpiresAt() : g.getExpiresAt());
        checkFreshness(messageEpoch, counter, expiresAt);

        SignatureType type = hmac ? SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED
                : SignatureType.SIGNATURE_TYPE_AES_GCM_PERSONALIZED;
        // rebuilt from our own epoch and VIN: a message for another epoch or car cannot match
        Metadata metadata = MetadataSets.command(type, domain.number(), vin, epoch, expiresAt, counter,
                Integer.toUnsignedLong(message.getFlags()));
        byte[] payload = message.getProtobufMessageAsBytes().toByteArray();
        byte[] plaintext;
        if (hmac) {
            if (!SharedKey.tagsEqual(key.commandTag(metadata, payload), h.getTag().toByteArray())) {
                throw stale(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_SIGNATURE, "HMAC mismatch");
            }
            plaintext = payload;
        } else {
            try {
                plaintext = key.open(g.getNonce().toByteArray(), payload, g.getTag().toByteArray(), metadata.sha256());
            } catch (AEADBadTagException e) {
                throw stale(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_SIGNATURE, "GCM authentication failed");
            }
        }
        if (counter > 0 && !acceptCounter(counter)) {
            throw stale(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER, "counter " + counter + " refused");
        }
        return plaintext;
    }

    private void checkFreshness(byte[] messageEpoch, long counter, long expiresAt) throws VerificationFault {
        long now = timestamp(clock.instant());
        if (messageEpoch.length > 0 && !Arrays.equals(messageEpoch, epoch)) {
            throw stale(MessageFault_E.MESSAGEFAULT_ERROR_INCORRECT_EPOCH, "epoch mismatch");
        }
        if (expiresAt != 0 && expiresAt < now) {
            throw stale(MessageFault_E.MESSAGEFAULT_ERROR_TIME_EXPIRED, "expired at " + expiresAt + ", now " + now);
        }
        if (expiresAt > EPOCH_LENGTH_SECONDS) {
            throw stale(MessageFault_E.MESSAGEFAULT_ERROR_BAD_PARAMETER, "expiry beyond the epoch");
        }
        if (counter == 0 || counter < window.counter()) {
            // replays are only tolerated for messages about to expire anyway
            if (expiresAt == 0 || expiresAt - now > policy.maxSecondsWithoutCounter()) {
                throw stale(MessageFault_E.MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG, "out-of-order message lives too long");
            }
        }
        if (policy.maxTimeToLive() != null && expiresAt - now > policy.maxTimeToLive().toSeconds()) {
            throw stale(MessageFault_E.MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG, "expiry too far ahead");
        }
    }

    private boolean acceptCounter(long counter) {
        if (policy.strictCounters(domain)) {
            if (counter <= window.counter()) {
                return false;
            }
            window = new SlidingWindow(counter, 0);
            return true;
        }
        return window.accept(counter);
    }

    /**
     * Encrypts a reply to the request identified by {@code requestHash} (reference 2.9); the
     * response counter only goes up.
     */
    public synchronized SealedReply seal(byte[] plaintext, byte[] requestHash, long replyFlags, int fault) {
        long counter = ++responseCounter;
        byte[] nonce = new byte[SharedKey.NONCE_LENGTH];
        synchronized (random) {
            random.nextBytes(nonce);
        }
        byte[] aad = MetadataSets.response(domain.number(), vin, counter, replyFlags, requestHash, fault).sha256();
        SharedKey.Sealed sealed = key.seal(nonce, plaintext, aad);
        return new SealedReply(sealed.ciphertext(), nonce, counter, sealed.tag());
    }

    private VerificationFault stale(MessageFault_E fault, String why) {
        return new VerificationFault(fault, true, why);
    }

    /** Rotates on a clock that went backwards or jumped over a year, an exhausted counter, or an old epoch. */
    private void adjustClock() {
        Instant now = clock.instant();
        if (now.isBefore(timeZero) || Duration.between(timeZero, now).compareTo(MAX_CLOCK_JUMP) > 0
                || window.counter() >= MAX_COUNTER || timestamp(now) > EPOCH_LENGTH_SECONDS) {
            rotateEpoch();
        }
    }

    private long timestamp(Instant now) {
        return Math.max(0, Math.floorDiv(Duration.between(timeZero, now).toMillis(), 1000L));
    }
}
