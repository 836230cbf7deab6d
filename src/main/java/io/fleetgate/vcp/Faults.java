package io.fleetgate.vcp;

import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;

/**
 * Verdicts and caller-facing reasons for the vehicle's protocol faults (reference 1.6 and 5.3),
 * and for the HTTP answers of {@code signed_command} that never reached the vehicle.
 */
public final class Faults {
    private Faults() {
    }

    /** {@code https://tesla.com/_ak/<domain>}: where an owner approves Fleetgate's key. */
    public static String pairingLink(String pairingDomain) {
        return "https://tesla.com/_ak/" + pairingDomain;
    }

    public static String keyNotPaired(String pairingDomain) {
        return "the vehicle does not know this application's key: the owner must pair it by opening "
                + pairingLink(pairingDomain) + " on a phone with the Tesla app, then retry";
    }

    public static Verdict verdict(MessageFault_E fault) {
        return switch (fault) {
            case MESSAGEFAULT_ERROR_NONE -> Verdict.SUCCEEDED;
            case MESSAGEFAULT_ERROR_INVALID_SIGNATURE, MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER,
                 MESSAGEFAULT_ERROR_INCORRECT_EPOCH, MESSAGEFAULT_ERROR_TIME_EXPIRED,
                 MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG, MESSAGEFAULT_ERROR_REPEATED_COUNTER -> Verdict.STALE_SESSION;
            case MESSAGEFAULT_ERROR_BUSY, MESSAGEFAULT_ERROR_TIMEOUT, MESSAGEFAULT_ERROR_INTERNAL -> Verdict.BUSY;
            case MESSAGEFAULT_ERROR_INVALID_DOMAINS, MESSAGEFAULT_ERROR_INVALID_COMMAND, MESSAGEFAULT_ERROR_DECODING,
                 MESSAGEFAULT_ERROR_WRONG_PERSONALIZATION, MESSAGEFAULT_ERROR_BAD_PARAMETER,
                 MESSAGEFAULT_ERROR_IV_INCORRECT_LENGTH, MESSAGEFAULT_ERROR_REQUEST_MTU_EXCEEDED,
                 MESSAGEFAULT_ERROR_REQUIRES_RESPONSE_ENCRYPTION -> Verdict.CLIENT_ERROR;
            case MESSAGEFAULT_ERROR_RESPONSE_MTU_EXCEEDED -> Verdict.MAY_HAVE_SUCCEEDED;
            // unknown key, disabled key, privileges, keychain, provisioning, access settings, handles,
            // and codes newer than this table: a person has to act
            default -> Verdict.PERMANENT;
        };
    }

    /** Text for the caller saying what happened and, for permanent faults, what to do. */
    public static String reason(MessageFault_E fault, String pairingDomain) {
        String link = pairingLink(pairingDomain);
        return switch (fault) {
            case MESSAGEFAULT_ERROR_NONE -> "";
            case MESSAGEFAULT_ERROR_BUSY -> "vehicle busy";
            case MESSAGEFAULT_ERROR_TIMEOUT -> "a vehicle system did not answer in time";
            case MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID -> keyNotPaired(pairingDomain);
            case MESSAGEFAULT_ERROR_INACTIVE_KEY ->
                    "this application's key is disabled on the vehicle: the owner must pair it again at " + link;
            case MESSAGEFAULT_ERROR_INVALID_SIGNATURE -> "command signature rejected (session out of date)";
            case MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER -> "command counter rejected (session out of date)";
            case MESSAGEFAULT_ERROR_INSUFFICIENT_PRIVILEGES ->
                    "not authorised: the key's role or the vehicle's current state does not allow this command";
            case MESSAGEFAULT_ERROR_INVALID_DOMAINS, MESSAGEFAULT_ERROR_INVALID_COMMAND ->
                    "the vehicle does not support this command (its software may be too old)";
            case MESSAGEFAULT_ERROR_DECODING -> "the vehicle could not decode the command";
            case MESSAGEFAULT_ERROR_INTERNAL -> "vehicle not ready (internal error, often while it starts up)";
            case MESSAGEFAULT_ERROR_WRONG_PERSONALIZATION -> "the command was signed for another VIN";
            case MESSAGEFAULT_ERROR_BAD_PARAMETER -> "the vehicle rejected a malformed or deprecated parameter";
            case MESSAGEFAULT_ERROR_KEYCHAIN_IS_FULL ->
                    "the vehicle's keychain is full: the owner must remove a key in the vehicle, then pair at " + link;
            case MESSAGEFAULT_ERROR_INCORRECT_EPOCH -> "session expired on the vehicle (new epoch)";
            case MESSAGEFAULT_ERROR_IV_INCORRECT_LENGTH -> "bad nonce length";
            case MESSAGEFAULT_ERROR_TIME_EXPIRED -> "command expired before the vehicle received it";
            case MESSAGEFAULT_ERROR_NOT_PROVISIONED_WITH_IDENTITY -> "the vehicle has no VIN provisioned and needs Tesla service";
            case MESSAGEFAULT_ERROR_COULD_NOT_HASH_METADATA -> "vehicle internal error (could not hash metadata)";
            case MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG -> "command expiry too far in the future for the vehicle's clock";
            case MESSAGEFAULT_ERROR_REMOTE_ACCESS_DISABLED ->
                    "remote access is off: the owner must enable Allow Mobile Access in the vehicle's settings";
            case MESSAGEFAULT_ERROR_REMOTE_SERVICE_ACCESS_DISABLED -> "the vehicle does not allow remote service commands";
            case MESSAGEFAULT_ERROR_COMMAND_REQUIRES_ACCOUNT_CREDENTIALS -> "this command must come through the Fleet API";
            case MESSAGEFAULT_ERROR_REQUEST_MTU_EXCEEDED -> "command too large for the vehicle";
            case MESSAGEFAULT_ERROR_RESPONSE_MTU_EXCEEDED ->
                    "the vehicle received the command but its reply was too large; it may have run";
            case MESSAGEFAULT_ERROR_REPEATED_COUNTER -> "command counter seen before (session out of date)";
            case MESSAGEFAULT_ERROR_INVALID_KEY_HANDLE ->
                    "this application's key handle was revoked or expired: the owner must pair it again at " + link;
            case MESSAGEFAULT_ERROR_REQUIRES_RESPONSE_ENCRYPTION -> "the vehicle requires encrypted responses";
            case UNRECOGNIZED -> "unknown vehicle fault";
        };
    }

    /**
     * An HTTP answer of {@code signed_command} other than 200 (reference section 4): 408/503
     * mean the vehicle is offline or asleep, 429 is transient, other 5xx (504 too) may have run.
     */
    public static CommandOutcome forHttpStatus(int status, String pairingDomain) {
        return switch (status) {
            case 408, 503 -> CommandOutcome.of(Verdict.OFFLINE, "vehicle offline or asleep");
            case 429 -> CommandOutcome.of(Verdict.BUSY, "rate limited by the Fleet API");
            case 401 -> CommandOutcome.of(Verdict.PERMANENT, "the Tesla token was refused: the account must sign in again");
            case 403 -> CommandOutcome.of(Verdict.PERMANENT,
                    "not authorised: the account lacks the vehicle command scope, or " + keyNotPaired(pairingDomain));
            case 421 -> CommandOutcome.of(Verdict.CLIENT_ERROR, "wrong region for this account");
            case 422 -> CommandOutcome.of(Verdict.CLIENT_ERROR, "the vehicle does not support signed commands");
            default -> status >= 500
                    ? CommandOutcome.of(Verdict.MAY_HAVE_SUCCEEDED, "upstream error " + status + "; the command may have run")
                    : CommandOutcome.of(Verdict.CLIENT_ERROR, "upstream refused the signed command (" + status + ")");
        };
    }
}
