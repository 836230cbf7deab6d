package io.fleetgate.ingress;

import io.fleetgate.limits.RateLimitGate;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The energy-site limit as a route step that never blocks: the limiter's decision is a future
 * (Redis answers over the network), and the route goes on when it completes, back on the event
 * loop the request arrived on, since the rest of a read (the Fleet API call) belongs to that
 * loop's context. A refusal fails the exchange with its 429.
 */
public final class EnergySiteLimit extends AsyncProcessorSupport {
    private final RateLimitGate gate;

    public EnergySiteLimit(RateLimitGate gate) {
        this.gate = gate;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        var decided = gate.checkSite(exchange).toCompletableFuture();
        if (decided.isDone()) {
            finish(exchange, decided.handle((ok, failure) -> failure).join());
            callback.done(true);
            return true;
        }
        Context requestContext = Vertx.currentContext();
        decided.whenComplete((ok, failure) -> {
            if (requestContext == null || Vertx.currentContext() == requestContext) {
                finish(exchange, failure);
                callback.done(false);
            } else {
                requestContext.runOnContext(ignored -> {
                    finish(exchange, failure);
                    callback.done(false);
                });
            }
        });
        return false;
    }

    private static void finish(Exchange exchange, Throwable failure) {
        if (failure != null) {
            exchange.setException(failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure);
        }
    }
}
