package io.fleetgate.vcp;

import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;

/**
 * The result of one attempt at a signed command (or a handshake): the verdict for the retry
 * policy, a reason for the caller (empty on success), the protocol fault if the vehicle sent one,
 * and the decrypted application payload when there was one.
 */
public record CommandOutcome(Verdict verdict, String reason, MessageFault_E fault, byte[] payload) {

    public CommandOutcome {
        reason = reason == null ? "" : reason;
        fault = fault == null ? MessageFault_E.MESSAGEFAULT_ERROR_NONE : fault;
        payload = payload == null ? new byte[0] : payload;
    }

    public static CommandOutcome succeeded(byte[] payload) {
        return new CommandOutcome(Verdict.SUCCEEDED, "", null, payload);
    }

    public static CommandOutcome of(Verdict verdict, String reason) {
        return new CommandOutcome(verdict, reason, null, null);
    }

    /** The REST result flag: {@code {"response":{"result":..., "reason":...}}}. */
    public boolean result() {
        return verdict == Verdict.SUCCEEDED;
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public String toString() {
        return "CommandOutcome[" + verdict + (reason.isEmpty() ? "" : ": " + reason)
                + (fault == MessageFault_E.MESSAGEFAULT_ERROR_NONE ? "" : ", " + fault) + "]";
    }
}
