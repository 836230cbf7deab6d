package io.fleetgate.vcp.session;

import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.FleetApiBodies;
import java.time.Instant;
import java.util.Base64;

/**
 * A session_info_request ready to send through {@code signed_command}. Keep it: the reply is
 * authenticated against its uuid (the challenge) and must arrive within the latency bound.
 */
public final class HandshakeRequest {
    private final String vin;
    private final Domain domain;
    private final byte[] uuid;
    private final Instant sentAt;
    private final byte[] message;

    HandshakeRequest(String vin, Domain domain, byte[] uuid, Instant sentAt, byte[] message) {
        this.vin = vin;
        this.domain = domain;
        this.uuid = uuid;
        this.sentAt = sentAt;
        this.message = message;
    }

    public String vin() {
        return vin;
    }

    public Domain domain() {
        return domain;
    }

    public byte[] uuid() {
        return uuid.clone();
    }

    public Instant sentAt() {
        return sentAt;
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
}
