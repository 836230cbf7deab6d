package io.fleetgate.vcp.vehicle;

import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.proto.CarServer;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;

/**
 * What the simulated vehicle does with an authenticated command: returns the domain's reply
 * payload (a {@code FromVCSECMessage} or a {@code CarServer.Response}), or throws
 * {@link Refusal} to answer with a protocol fault such as BUSY.
 */
@FunctionalInterface
public interface CommandHandler {

    byte[] execute(Domain domain, byte[] payload) throws Refusal;

    /** A protocol-level refusal of a verified command (no session info attached). */
    final class Refusal extends Exception {
        private final MessageFault_E fault;

        public Refusal(MessageFault_E fault) {
            super(fault.name(), null, false, false);
            this.fault = fault;
        }

        public MessageFault_E fault() {
            return fault;
        }
    }

    /** Accepts everything: an empty VCSEC reply, or infotainment {@code actionStatus} OK. */
    static CommandHandler acceptAll() {
        return (domain, payload) -> domain == Domain.VCSEC
                ? new byte[0]
                : CarServer.Response.newBuilder()
                        .setActionStatus(CarServer.ActionStatus.newBuilder()
                                .setResult(CarServer.OperationStatus_E.OPERATIONSTATUS_OK))
                        .build().toByteArray();
    }
}
