package io.fleetgate.vcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Every fault has a verdict and a reason; the signed retry table of CONTRACT section 5. */
class VerdictsTest {
    private static final String DOMAIN = "fleetgate.example";

    @Test
    void staleSessionFaultsAskForARefreshAndAnImmediateRetry() {
        for (MessageFault_E fault : EnumSet.of(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_SIGNATURE,
                MessageFault_E.MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER, MessageFault_E.MESSAGEFAULT_ERROR_INCORRECT_EPOCH,
                MessageFault_E.MESSAGEFAULT_ERROR_TIME_EXPIRED, MessageFault_E.MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG,
                MessageFault_E.MESSAGEFAULT_ERROR_REPEATED_COUNTER)) {
            assertThat(Faults.verdict(fault)).as(fault.name()).isEqualTo(Verdict.STALE_SESSION);
        }
    }

    @Test
    void busyFaultsAreTemporary() {
        for (MessageFault_E fault : EnumSet.of(MessageFault_E.MESSAGEFAULT_ERROR_BUSY,
                MessageFault_E.MESSAGEFAULT_ERROR_TIMEOUT, MessageFault_E.MESSAGEFAULT_ERROR_INTERNAL)) {
            assertThat(Faults.verdict(fault)).isEqualTo(Verdict.BUSY);
        }
    }

    @Test
    void permanentFaultsTellThePersonWhatToDo() {
        assertThat(Faults.verdict(MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID)).isEqualTo(Verdict.PERMANENT);
        assertThat(Faults.reason(MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID, DOMAIN))
                .contains("https://tesla.com/_ak/fleetgate.example");
        assertThat(Faults.verdict(MessageFault_E.MESSAGEFAULT_ERROR_REMOTE_ACCESS_DISABLED)).isEqualTo(Verdict.PERMANENT);
        assertThat(Faults.reason(MessageFault_E.MESSAGEFAULT_ERROR_REMOTE_ACCESS_DISABLED, DOMAIN))
                .contains("Allow Mobile Access");
        assertThat(Faults.verdict(MessageFault_E.MESSAGEFAULT_ERROR_INSUFFICIENT_PRIVILEGES)).isEqualTo(Verdict.PERMANENT);
        assertThat(Faults.reason(MessageFault_E.MESSAGEFAULT_ERROR_INSUFFICIENT_PRIVILEGES, DOMAIN)).contains("not authorised");
    }

    @Test
    void aTooLargeReplyMayHaveRunAndIsNeverRetried() {
        Verdict verdict = Faults.verdict(MessageFault_E.MESSAGEFAULT_ERROR_RESPONSE_MTU_EXCEEDED);
        assertThat(verdict.mayHaveSucceeded()).isTrue();
        assertThat(verdict.shouldRetry()).isFalse();
    }

    @Test
    void everyFaultHasAVerdictAndAReason() {
        for (MessageFault_E fault : MessageFault_E.values()) {
            if (fault == MessageFault_E.UNRECOGNIZED || fault == MessageFault_E.MESSAGEFAULT_ERROR_NONE) {
                continue;
            }
            assertThat(Faults.verdict(fault)).as(fault.name()).isNotEqualTo(Verdict.SUCCEEDED);
            assertThat(Faults.reason(fault, DOMAIN)).as(fault.name()).isNotBlank();
        }
    }

    @Test
    void httpAnswersOfSignedCommandAreClassified() {
        assertThat(Faults.forHttpStatus(408, DOMAIN).verdict()).isEqualTo(Verdict.OFFLINE);
        assertThat(Faults.forHttpStatus(503, DOMAIN).verdict()).isEqualTo(Verdict.OFFLINE);
        assertThat(Faults.forHttpStatus(429, DOMAIN).verdict()).isEqualTo(Verdict.BUSY);
        assertThat(Faults.forHttpStatus(500, DOMAIN).verdict()).isEqualTo(Verdict.MAY_HAVE_SUCCEEDED);
        assertThat(Faults.forHttpStatus(403, DOMAIN).verdict()).isEqualTo(Verdict.PERMANENT);
    }

    @Test
    void signedCommandsAreTriedAtMostFiveTimes() {
        SignedRetryPolicy policy = SignedRetryPolicy.contractDefaults();
        assertThat(policy.next(Verdict.STALE_SESSION, 1)).contains(new SignedRetryPolicy.Retry(Duration.ZERO, true));
        for (int attempt = 1; attempt <= 4; attempt++) {
            assertThat(policy.next(Verdict.BUSY, attempt))
                    .contains(new SignedRetryPolicy.Retry(Duration.ofSeconds(attempt), false));
            assertThat(policy.next(Verdict.OFFLINE, attempt))
                    .contains(new SignedRetryPolicy.Retry(Duration.ofSeconds(attempt), false));
        }
        assertThat(policy.next(Verdict.BUSY, 5)).isEmpty();
        assertThat(policy.next(Verdict.STALE_SESSION, 5)).isEmpty();
        for (Verdict verdict : EnumSet.of(Verdict.SUCCEEDED, Verdict.REFUSED, Verdict.PERMANENT,
                Verdict.CLIENT_ERROR, Verdict.MAY_HAVE_SUCCEEDED)) {
            assertThat(policy.next(verdict, 1)).as(verdict.name()).isEmpty();
        }
    }
}
