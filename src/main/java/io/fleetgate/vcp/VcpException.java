package io.fleetgate.vcp;

/** A signed command could not be prepared or its reply could not be read; carries its verdict. */
public final class VcpException extends Exception {
    private final Verdict verdict;

    public VcpException(Verdict verdict, String message) {
        super(message);
        this.verdict = verdict;
    }

    public VcpException(Verdict verdict, String message, Throwable cause) {
        super(message, cause);
        this.verdict = verdict;
    }

    public Verdict verdict() {
        return verdict;
    }

    public CommandOutcome outcome() {
        return CommandOutcome.of(verdict, getMessage());
    }
}
