package io.fleetgate.audit;

/**
 * What one call to the Fleet API costs an account, in the weights of Tesla's price list
 * (CONTRACT section 8: command 1, data request 2, wake-up 20; settings
 * {@code fleetgate.audit.credits.*}). Tesla bills the calls it answers with a status below 500;
 * 5xx answers and calls that never got an answer are free, and so is every request Fleetgate
 * refuses itself (it makes no call).
 */
public record Credits(int command, int dataRequest, int wakeUp) {

    public Credits {
        if (command < 0 || dataRequest < 0 || wakeUp < 0) {
            throw new IllegalArgumentException("credit weights are never negative");
        }
    }

    /** The weight of one billed call of that kind. */
    public int weight(UpstreamCall call) {
        return switch (call) {
            case COMMAND -> command;
            case DATA_REQUEST -> dataRequest;
            case WAKE_UP -> wakeUp;
        };
    }

    /**
     * The credits of one call that upstream answered with {@code upstreamStatus}: its weight when
     * Tesla bills it, else 0. {@code null} means the call got no answer (refused connection, timeout).
     */
    public int charge(UpstreamCall call, Integer upstreamStatus) {
        return billed(upstreamStatus) ? weight(call) : 0;
    }

    /** Whether Tesla bills a call answered with this status ({@code null}: no answer at all). */
    public static boolean billed(Integer upstreamStatus) {
        return upstreamStatus != null && upstreamStatus < 500;
    }
}
