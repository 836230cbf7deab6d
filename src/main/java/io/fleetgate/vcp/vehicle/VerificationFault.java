package io.fleetgate.vcp.vehicle;

import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;

/**
 * A command the vehicle refuses, with the fault code it answers and whether the answer carries
 * fresh signed session info so the client can resync (the reference's "+SI").
 */
public final class VerificationFault extends Exception {
    private final MessageFault_E fault;
    private final boolean withSessionInfo;

    public VerificationFault(MessageFault_E fault, boolean withSessionInfo, String message) {
        super(message, null, false, false);
        this.fault = fault;
        this.withSessionInfo = withSessionInfo;
    }

    public MessageFault_E fault() {
        return fault;
    }

    public boolean withSessionInfo() {
        return withSessionInfo;
    }
}
