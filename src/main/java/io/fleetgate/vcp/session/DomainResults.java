package io.fleetgate.vcp.session;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Faults;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.proto.CarServer;
import io.fleetgate.vcp.proto.Vcsec;
import io.fleetgate.vcp.proto.Vcsec.CommandStatus;
import java.util.Locale;

/** The application-level result inside an authenticated reply, per domain (reference 1.8 and 3). */
final class DomainResults {
    private DomainResults() {
    }

    /** VCSEC: an empty message is success; nominal errors and command status say otherwise. */
    static CommandOutcome vcsec(byte[] payload, String pairingDomain) {
        Vcsec.FromVCSECMessage message;
        try {
            message = Vcsec.FromVCSECMessage.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "unreadable vehicle security reply");
        }
        if (message.hasNominalError()) {
            Vcsec.GenericError_E error = message.getNominalError().getGenericError();
            Verdict verdict = switch (error) {
                case GENERICERROR_UNAUTHORIZED, GENERICERROR_NOT_ALLOWED_OVER_TRANSPORT -> Verdict.PERMANENT;
                default -> Verdict.REFUSED;
            };
            return new CommandOutcome(verdict, words(error.name(), "GENERICERROR_"), null, payload);
        }
        if (!message.hasCommandStatus()) {
            return CommandOutcome.succeeded(payload);
        }
        CommandStatus status = message.getCommandStatus();
        return switch (status.getOperationStatus()) {
            case OPERATIONSTATUS_WAIT -> CommandOutcome.of(Verdict.BUSY, "vehicle security busy");
            case OPERATIONSTATUS_ERROR -> vcsecError(status, pairingDomain);
            default -> CommandOutcome.succeeded(payload);
        };
    }

    private static CommandOutcome vcsecError(CommandStatus status, String pairingDomain) {
        if (status.hasWhitelistOperationStatus()) {
            return CommandOutcome.of(Verdict.REFUSED, "keychain: " + words(
                    status.getWhitelistOperationStatus().getWhitelistOperationInformation().name(),
                    "WHITELISTOPERATION_INFORMATION_"));
        }
        if (status.hasSignedMessageStatus()) {
            Vcsec.SignedMessage_information_E info = status.getSignedMessageStatus().getSignedMessageInformation();
            return switch (info) {
                case SIGNEDMESSAGE_INFORMATION_FAULT_NOT_ON_WHITELIST ->
                        CommandOutcome.of(Verdict.PERMANENT, Faults.keyNotPaired(pairingDomain));
                case SIGNEDMESSAGE_INFORMATION_FAULT_INVALID_TOKEN,
                     SIGNEDMESSAGE_INFORMATION_FAULT_TOKEN_AND_COUNTER_INVALID,
                     SIGNEDMESSAGE_INFORMATION_FAULT_AES_DECRYPT_AUTH,
                     SIGNEDMESSAGE_INFORMATION_FAULT_INCORRECT_EPOCH,
                     SIGNEDMESSAGE_INFORMATION_FAULT_TIME_EXPIRED ->
                        CommandOutcome.of(Verdict.STALE_SESSION, words(info.name(), "SIGNEDMESSAGE_INFORMATION_FAULT_"));
                default -> CommandOutcome.of(Verdict.CLIENT_ERROR, words(info.name(), "SIGNEDMESSAGE_INFORMATION_FAULT_"));
            };
        }
        // a bare ERROR is legacy noise; over the Fleet API it is all we get, so the command may have run
        return CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "vehicle security reported an error without detail");
    }

    /** Infotainment: {@code actionStatus.result} and its plain-text reason. */
    static CommandOutcome infotainment(byte[] payload) {
        CarServer.Response response;
        try {
            response = CarServer.Response.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "unreadable infotainment reply");
        }
        CarServer.ActionStatus status = response.getActionStatus();
        if (status.getResult() == CarServer.OperationStatus_E.OPERATIONSTATUS_ERROR) {
            String reason = status.getResultReason().getPlainText();
            return new CommandOutcome(Verdict.REFUSED, reason.isEmpty() ? "the vehicle refused the command" : reason,
                    null, payload);
        }
        return CommandOutcome.succeeded(payload);
    }

    private static String words(String enumName, String prefix) {
        String name = enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName;
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
