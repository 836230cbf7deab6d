package io.fleetgate.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One mark on {@code fleetgate.command-attempts.v1} (key: the VIN): a command's attempt is about
 * to go to the Fleet API ({@code sending}), or came back with an answer on which another attempt
 * follows ({@code answered}, with the same carried fields as a hand-over: a replica that dies in
 * the wait for the next attempt leaves them to the next owner), or moved to another replica
 * between its wake polls or in its wait for its next attempt ({@code handed_over}, with the
 * wake_up calls Tesla took, which its next owner bills and does not repeat while they are under
 * way, and the attempts made so far, its {@code attempt}, of which {@code billable_attempts} Tesla
 * answered, with their {@code attempt_log}: a 408 before a wake cycle, which its next owner
 * counts, bills and logs as its own; {@code rewoken} then, as that was the command's one wake
 * cycle after a 408, and a 408 on the next owner's try is its answer; {@code retry_at} when it
 * moved while waiting for its next attempt, which its next owner does not make before then). A
 * command whose last mark is {@code sending} and that has no result was with Tesla when its
 * replica died: it may have run, so it is not sent again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandAttempt(
        String id,
        String vin,
        int attempt,
        String state,
        Integer status,
        @JsonProperty("command_partition") Integer commandPartition,
        @JsonProperty("command_offset") Long commandOffset,
        Instant at,
        @JsonProperty("wake_up_calls") Integer wakeUpCalls,
        @JsonProperty("billable_attempts") Integer billableAttempts,
        @JsonProperty("attempt_log") List<AttemptLog.Entry> attemptLog,
        Boolean rewoken,
        @JsonProperty("retry_at") Instant retryAt) {

    public static final String SENDING = "sending";
    public static final String ANSWERED = "answered";
    public static final String HANDED_OVER = "handed_over";

    public boolean inFlight() {
        return SENDING.equals(state);
    }

    public boolean handedOver() {
        return HANDED_OVER.equals(state);
    }

    /** A hand-over, or an answer with what came before it (marks of earlier versions carry nothing). */
    public boolean carriesOver() {
        return handedOver() || ANSWERED.equals(state) && attemptLog != null;
    }
}
