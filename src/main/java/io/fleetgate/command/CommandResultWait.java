package io.fleetgate.command;

import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * A REST command's wait for its result, without a thread: the exchange is set aside, keyed by
 * the command id in the ledger, and goes on when the result is read (or the reply timeout
 * passes), on a thread of {@code continueOn}, not the ledger's reader. A waiting request holds its
 * exchange and connection, a few KB, instead of a parked thread and its stack.
 */
public final class CommandResultWait extends AsyncProcessorSupport {
    private final CommandLedger ledger;
    private final Duration replyTimeout;
    private final Executor continueOn;

    public CommandResultWait(CommandLedger ledger, Duration replyTimeout, Executor continueOn) {
        this.ledger = ledger;
        this.replyTimeout = replyTimeout;
        this.continueOn = continueOn;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String id = exchange.getProperty(ExchangeKeys.COMMAND_ID, String.class);
        // the sent record and Kafka's metadata of it: not kept for seconds by thousands of waiting
        // requests (the answer sets both anew)
        exchange.getMessage().setBody(null);
        exchange.getMessage().getHeaders().clear();
        CompletableFuture<CommandResult> result = ledger.expect(id);
        // the result may have been recorded before this wait began
        ledger.executed(id).ifPresent(result::complete);
        if (result.isDone()) {
            answer(exchange, id, result.getNow(null), null);
            callback.done(true);
            return true;
        }
        result.orTimeout(replyTimeout.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((done, failure) -> {
            answer(exchange, id, done, failure);
            callback.done(false);
        }, continueOn);
        return false;
    }

    private void answer(Exchange exchange, String id, CommandResult result, Throwable failure) {
        if (failure == null) {
            RestCommands.answer(exchange, result);
            return;
        }
        ledger.forget(id);
        exchange.setException(failure instanceof TimeoutException
                ? new GatewayError(504, "upstream_timeout", "The command is still queued or running; its result will be on "
                        + "the command results topic with id " + id + ".")
                : new IllegalStateException("waiting for command " + id + " failed", failure));
    }
}
