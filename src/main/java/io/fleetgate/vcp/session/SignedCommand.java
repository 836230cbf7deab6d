package io.fleetgate.vcp.session;

import io.fleetgate.vcp.FleetApiBodies;
import io.fleetgate.vcp.VehicleCommand;
import io.fleetgate.vcp.crypto.SlidingWindow;
import java.time.Instant;
import java.util.Base64;

/**
 * One signed attempt at a command. Keep it until its reply is decoded: the reply is bound to
 * it by the request hash, and its response counters are tracked here against replays. A retry
 * is a new SignedCommand (new counter, uuid and expiry), never these bytes again.
 */
public final class SignedCommand {
    private final VehicleCommand command;
    private final Session session;
    private final byte[] uuid;
    private final long counter;
    private final long expiresAt;
    private final byte[] requestHash;
    private final Instant signedAt;
    private final byte[] message;
    private final SlidingWindow responseCounters = new SlidingWindow();

    SignedCommand(VehicleCommand command, Session session, byte[] uuid, long counter, long expiresAt,
                  byte[] requestHash, Instant signedAt, byte[] message) {
        this.command = command;
        this.session = session;
        this.uuid = uuid;
        this.counter = counter;
        this.expiresAt = expiresAt;
        this.requestHash = requestHash;
        this.signedAt = signedAt;
        this.message = message;
    }

    public VehicleCommand command() {
        return command;
    }

    public String vin() {
        return session.vin();
    }

    public byte[] uuid() {
        return uuid.clone();
    }

    public long counter() {
        return counter;
    }

    /** Vehicle-clock second after which the vehicle refuses the command. */
    public long expiresAt() {
        return expiresAt;
    }

    public byte[] requestHash() {
        return requestHash.clone();
    }

    public Instant signedAt() {
        return signedAt;
    }

    /** The encoded RoutableMessage. */
    public byte[] message() {
        return message.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(message);
    }

    /** {@code {"routable_message": "<base64>"}}. */
    public String body() {
        return FleetApiBodies.signedCommandBody(message);
    }

    Session session() {
        return session;
    }

    /** False when this response counter was seen before for this request. */
    synchronized boolean acceptResponseCounter(long responseCounter) {
        return responseCounters.accept(responseCounter);
    }
}
