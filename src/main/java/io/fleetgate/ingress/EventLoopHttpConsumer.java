package io.fleetgate.ingress;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * A platform-http consumer that runs its route on the event loop the request arrived on, as an
 * asynchronous exchange, and writes the answer when the route is done, wherever that is. A step
 * that may block (a command's send to Kafka, a Tesla token refresh) hops to
 * a worker with the {@code threads} EIP in the route itself, so the routes say where work leaves
 * the loop. platform-http's own consumer hands every request to a worker and waits there: on the
 * read path that hand-off, and the thread switches around it, cost more than the read itself.
 */
final class EventLoopHttpConsumer extends VertxPlatformHttpConsumer {
    /** platform-http's own answer writer (package-private there): status, headers, body, as it writes them. */
    private static final MethodHandle WRITE_RESPONSE = writeResponse();

    EventLoopHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor, List<Handler<RoutingContext>> handlers,
            String routerName) {
        super(endpoint, processor, handlers, routerName);
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        if (isSuspended()) {
            ctx.response().setStatusCode(503);
            ctx.end();
            return;
        }
        Context requestContext = Vertx.currentContext();
        Exchange exchange = createExchange(false);
        // in-only: the answer is the message the route ends with. In-out would have every pipeline's
        // end (each route, filter and branch) copy the message and its headers into a new out message
        exchange.setPattern(ExchangePattern.InOnly);
        exchange.setProperty(ExchangeKeys.ROUTING_CONTEXT, ctx);
        exchange.setProperty(ExchangeKeys.REQUEST_CONTEXT, requestContext);
        processHttpRequest(exchange, ctx).onComplete(populated -> {
            if (populated.failed()) {
                fail(exchange, ctx, populated.cause());
                return;
            }
            try {
                createUoW(exchange);
            } catch (Exception e) {
                fail(exchange, ctx, e);
                return;
            }
            getAsyncProcessor().process(exchange, doneSync -> {
                if (Vertx.currentContext() == requestContext && Context.isOnEventLoopThread()) {
                    respond(exchange, ctx);
                } else {
                    requestContext.runOnContext(ignored -> respond(exchange, ctx));
                }
            });
        });
    }

    private void respond(Exchange exchange, RoutingContext ctx) {
        if (exchange.getException() == null && Boolean.TRUE.equals(exchange.getProperty(ExchangeKeys.STREAMING))) {
            // the route's last step answers with a stream of its own (SSE), which outlives the exchange
            doneUoW(exchange);
            releaseExchange(exchange, false);
            return;
        }
        Future<Void> written;
        try {
            written = write(ctx, exchange, getEndpoint().getHeaderFilterStrategy(), getEndpoint().isMuteException());
        } catch (Throwable e) {
            fail(exchange, ctx, e);
            return;
        }
        written.onComplete(result -> {
            if (result.failed()) {
                fail(exchange, ctx, result.cause());
            } else {
                doneUoW(exchange);
                releaseExchange(exchange, false);
            }
        });
    }

    private void fail(Exchange exchange, RoutingContext ctx, Throwable failure) {
        getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(), failure);
        ctx.fail(failure);
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }

    @SuppressWarnings("unchecked")
    private static Future<Void> write(RoutingContext ctx, Exchange exchange, HeaderFilterStrategy headerFilter,
            boolean muteExceptions) throws Throwable {
        return (Future<Void>) WRITE_RESPONSE.invokeExact(ctx, exchange, headerFilter, muteExceptions);
    }

    private static MethodHandle writeResponse() {
        try {
            Class<?> support = Class.forName("org.apache.camel.component.platform.http.vertx.VertxPlatformHttpSupport");
            return MethodHandles.privateLookupIn(support, MethodHandles.lookup()).findStatic(support, "writeResponse",
                    MethodType.methodType(Future.class, RoutingContext.class, Exchange.class, HeaderFilterStrategy.class,
                            boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
