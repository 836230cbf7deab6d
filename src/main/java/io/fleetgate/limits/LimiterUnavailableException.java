package io.fleetgate.limits;

/** The limiter's shared store did not answer in time; a {@link FailurePolicy} decides what then. */
public final class LimiterUnavailableException extends RuntimeException {
    public LimiterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
