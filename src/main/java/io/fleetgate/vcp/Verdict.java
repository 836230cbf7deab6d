package io.fleetgate.vcp;

/**
 * What an attempt at a signed command amounts to, and so what the retry policy does next
 * (CONTRACT section 5, second table). Modelled on the reference SDK's Temporary() and
 * MayHaveSucceeded() error methods.
 */
public enum Verdict {
    /** The vehicle did it. */
    SUCCEEDED(false, false),
    /** The vehicle answered and declined (e.g. "already charging"); final, HTTP 200 result false. */
    REFUSED(false, false),
    /** Bad signature, counter or epoch, or expired: refresh the session and try again at once. */
    STALE_SESSION(true, false),
    /** The vehicle is busy or not ready: try again after 1, 2, 3, 4 s. */
    BUSY(true, false),
    /** The vehicle went offline during the command: try again after 1, 2, 3, 4 s. */
    OFFLINE(true, false),
    /** Needs a person: pair the key, enable mobile access, ... Answer at once with the reason. */
    PERMANENT(false, false),
    /** Fleetgate sent something the vehicle cannot take; final. */
    CLIENT_ERROR(false, false),
    /** The command may have run (e.g. reply lost or too large); never retried automatically. */
    MAY_HAVE_SUCCEEDED(false, true);

    private final boolean temporary;
    private final boolean mayHaveSucceeded;

    Verdict(boolean temporary, boolean mayHaveSucceeded) {
        this.temporary = temporary;
        this.mayHaveSucceeded = mayHaveSucceeded;
    }

    /** Trying again may give a different answer. */
    public boolean temporary() {
        return temporary;
    }

    /** The vehicle may have executed the command even though no success was seen. */
    public boolean mayHaveSucceeded() {
        return mayHaveSucceeded;
    }

    public boolean shouldRetry() {
        return temporary && !mayHaveSucceeded;
    }

    /** The session must be refreshed (resynced or a new handshake) before the next attempt. */
    public boolean refreshesSession() {
        return this == STALE_SESSION;
    }
}
