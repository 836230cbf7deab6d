package io.fleetgate.vcp.session;

import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.crypto.MetadataSets;
import io.fleetgate.vcp.crypto.SharedKey;
import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.Signatures.SignatureType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Fleetgate's side of a session with one domain of one vehicle: the shared key, the vehicle's
 * epoch, the instant its clock started, and the anti-replay counter. Every signing takes the
 * lock, so concurrent commands never share a counter.
 */
public final class Session {
    static final long MAX_COUNTER = 0xFFFFFFFFL;

    /** What one signing produced: the fields of HMAC_Personalized_Signature_Data. */
    record Signature(byte[] epoch, long counter, long expiresAt, byte[] tag) {
    }

    private final String vin;
    private final byte[] vinBytes;
    private final Domain domain;
    private final SharedKey key;
    private final byte[] vehiclePublicKey;

    private byte[] epoch;
    private long counter;
    private long setTime;
    private Instant timeZero;

    Session(String vin, Domain domain, SharedKey key, SessionInfo info, Instant receivedAt) {
        this.vin = vin;
        this.vinBytes = vin.getBytes(StandardCharsets.US_ASCII);
        this.domain = domain;
        this.key = key;
        this.vehiclePublicKey = info.getPublicKey().toByteArray();
        adopt(info, receivedAt, Integer.toUnsignedLong(info.getCounter()));
    }

    /** Takes the next counter and signs {@code payload} (reference 2.5). */
    synchronized Signature signHmac(byte[] payload, long flags, Instant now, Duration lifetime) throws VcpException {
        if (counter >= MAX_COUNTER) {
            throw new VcpException(Verdict.STALE_SESSION, "session counter exhausted; a new handshake is needed");
        }
        counter++;
        long expiresAt = Math.max(0, Math.floorDiv(Duration.between(timeZero, now.plus(lifetime)).toMillis(), 1000L));
        byte[] tag = key.commandTag(MetadataSets.command(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED,
                domain.number(), vinBytes, epoch, Math.min(expiresAt, MAX_COUNTER), counter, flags), payload);
        return new Signature(epoch.clone(), counter, Math.min(expiresAt, MAX_COUNTER), tag);
    }

    /**
     * Applies authenticated session info (reference 2.10): only from the same vehicle key, and
     * within an epoch only if not older than what was applied last; a counter never goes back
     * within an epoch. False when the info was not applied.
     */
    synchronized boolean update(SessionInfo info, Instant receivedAt) {
        if (!Arrays.equals(info.getPublicKey().toByteArray(), vehiclePublicKey)) {
            return false;
        }
        long clockTime = Integer.toUnsignedLong(info.getClockTime());
        long infoCounter = Integer.toUnsignedLong(info.getCounter());
        boolean sameEpoch = Arrays.equals(epoch, info.getEpoch().toByteArray());
        if (sameEpoch && clockTime < setTime) {
            return false;
        }
        adopt(info, receivedAt, sameEpoch ? Math.max(counter, infoCounter) : infoCounter);
        return true;
    }

    private void adopt(SessionInfo info, Instant receivedAt, long newCounter) {
        this.epoch = info.getEpoch().toByteArray();
        this.setTime = Integer.toUnsignedLong(info.getClockTime());
        this.timeZero = receivedAt.minusSeconds(setTime);
        this.counter = newCounter;
    }

    public String vin() {
        return vin;
    }

    public Domain domain() {
        return domain;
    }

    SharedKey key() {
        return key;
    }

    byte[] vinBytes() {
        return vinBytes;
    }

    public byte[] vehiclePublicKey() {
        return vehiclePublicKey.clone();
    }

    /** The last counter used (or reported by the vehicle). */
    public synchronized long counter() {
        return counter;
    }

    public synchronized byte[] epoch() {
        return epoch.clone();
    }

    /** The vehicle's clock for this domain at {@code now}, in whole seconds of its epoch. */
    public synchronized long vehicleClockAt(Instant now) {
        return Math.floorDiv(Duration.between(timeZero, now).toMillis(), 1000L);
    }
}
