package io.fleetgate.vcp.session;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Faults;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.crypto.MetadataSets;
import io.fleetgate.vcp.crypto.SharedKey;
import io.fleetgate.vcp.proto.Signatures.AES_GCM_Response_Signature_Data;
import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.OperationStatus_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * Turns a vehicle's reply to a signed command into an outcome, in the reference SDK's order:
 * attached session info first (applied before the fault is reported), then the fault, then
 * the operation status, then the authenticated payload and its domain's own result.
 */
final class ReplyReader {
    private final SessionCache sessions;
    private final String pairingDomain;
    private final Clock clock;
    private final Duration maxLatency;

    ReplyReader(SessionCache sessions, String pairingDomain, Clock clock, Duration maxLatency) {
        this.sessions = sessions;
        this.pairingDomain = pairingDomain;
        this.clock = clock;
        this.maxLatency = maxLatency;
    }

    CommandOutcome read(SignedCommand command, byte[] reply) {
        RoutableMessage message;
        try {
            message = RoutableMessage.parseFrom(reply);
        } catch (InvalidProtocolBufferException e) {
            return CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "unreadable reply from the vehicle");
        }
        if (!message.getRequestUuid().isEmpty()
                && !Arrays.equals(message.getRequestUuid().toByteArray(), command.uuid())) {
            return CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "reply belongs to another request");
        }
        Session session = command.session();
        boolean resynced = message.hasSessionInfo() && applyAttachedInfo(command, message);
        MessageFault_E fault = message.getSignedMessageStatus().getSignedMessageFault();
        if (fault != MessageFault_E.MESSAGEFAULT_ERROR_NONE) {
            Verdict verdict = Faults.verdict(fault);
            if (verdict == Verdict.STALE_SESSION && !resynced) {
                // nothing usable came back: the next attempt starts with a new handshake
                sessions.remove(session);
            }
            return new CommandOutcome(verdict, Faults.reason(fault, pairingDomain), fault, null);
        }
        if (message.hasSessionInfo()) {
            return keyNotPaired(message)
                    ? new CommandOutcome(Verdict.PERMANENT, Faults.keyNotPaired(pairingDomain),
                            MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID, null)
                    : CommandOutcome.of(Verdict.STALE_SESSION, "vehicle answered with session info only");
        }
        OperationStatus_E status = message.getSignedMessageStatus().getOperationStatus();
        if (status == OperationStatus_E.OPERATIONSTATUS_WAIT) {
            return CommandOutcome.of(Verdict.BUSY, "vehicle busy");
        }
        if (status == OperationStatus_E.OPERATIONSTATUS_ERROR) {
            return CommandOutcome.of(Verdict.REFUSED, "the vehicle reported an error without a fault code");
        }
        byte[] payload = message.getProtobufMessageAsBytes().toByteArray();
        if (message.getSignatureData().hasAESGCMResponseData()) {
            AES_GCM_Response_Signature_Data gcm = message.getSignatureData().getAESGCMResponseData();
            long counter = Integer.toUnsignedLong(gcm.getCounter());
            byte[] aad = MetadataSets.response(message.getFromDestination().getDomainValue(), session.vinBytes(),
                    counter, Integer.toUnsignedLong(message.getFlags()), command.requestHash(), fault.getNumber()).sha256();
            try {
                payload = session.key().open(gcm.getNonce().toByteArray(), payload, gcm.getTag().toByteArray(), aad);
            } catch (AEADBadTagException e) {
                return CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "the vehicle's reply failed authentication");
            }
            if (!command.acceptResponseCounter(counter)) {
                return CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "replayed reply from the vehicle");
            }
        }
        // a plaintext reply (older firmware ignores the encrypt-response flag) is taken as is
        CommandOutcome outcome = command.command().domain() == Domain.VCSEC
                ? DomainResults.vcsec(payload, pairingDomain)
                : DomainResults.infotainment(payload);
        if (outcome.verdict() == Verdict.STALE_SESSION) {
            sessions.remove(session);
        }
        return outcome;
    }

    /** Applies session info that authenticates with this command's uuid as challenge; false if not applied. */
    private boolean applyAttachedInfo(SignedCommand command, RoutableMessage message) {
        Instant now = clock.instant();
        if (Duration.between(command.signedAt(), now).compareTo(maxLatency) > 0) {
            return false;
        }
        Session session = command.session();
        byte[] encoded = message.getSessionInfo().toByteArray();
        byte[] expected = session.key().sessionInfoTag(session.vinBytes(), command.uuid(), encoded);
        if (!SharedKey.tagsEqual(expected, message.getSignatureData().getSessionInfoTag().getTag().toByteArray())) {
            return false;
        }
        try {
            return session.update(SessionInfo.parseFrom(encoded), now);
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private static boolean keyNotPaired(RoutableMessage message) {
        try {
            return SessionInfo.parseFrom(message.getSessionInfo()).getStatusValue() == 1;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }
}
