package io.fleetgate.ingress;

import io.fleetgate.limits.ClientAddressResolver;
import io.fleetgate.limits.LimitDecision;
import io.fleetgate.limits.RateLimitGate;
import io.fleetgate.limits.RateLimitVerdict;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.WebServerRequest;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The per-IP limit of every request on the API port (CONTRACT section 3: whatever the endpoint),
 * decided on the HTTP server ahead of everything else: before a route reads the token, and before
 * the {@link IngressGuard} answers an unreadable target, a path or method nothing serves or a body
 * over the limit. So each request is one limiter decision wherever it ends: 400, 401, 403, 404,
 * 405 and 413 count like 200, and a request refused with 429 is neither counted nor looked at any further. The management
 * port has its own server and is not counted.
 *
 * <p>The decision stays with the request: the routes read it ({@link #verdict}) for the site limit
 * and the {@code RateLimit-*} headers, and any answer that leaves without those headers (the
 * guard's, the public key, the OpenAPI document, the admin API) gets the IP's on its way out.
 */
public final class IpLimitGuard {
    /** On the server's router, ahead of the ingress guard's target check (-1000) and so of every route. */
    private static final int AHEAD_OF_EVERYTHING = -2000;
    private static final String CLIENT_IP = "fleetgate.clientIp";
    private static final String VERDICT = "fleetgate.ipLimit";

    private final ClientAddressResolver clientAddresses;
    private final RateLimitGate gate;
    private final Supplier<String> defaultRegion;

    public IpLimitGuard(ClientAddressResolver clientAddresses, RateLimitGate gate, Supplier<String> defaultRegion) {
        this.clientAddresses = clientAddresses;
        this.gate = gate;
        this.defaultRegion = defaultRegion;
    }

    /** On the API port's server router (the one the routes' router is mounted on) only. */
    public void install(Router router) {
        router.route().order(AHEAD_OF_EVERYTHING).handler(this::decide).failureHandler(this::decideIfFailedFirst);
    }

    /** The client address the HTTP server decided for this request, if it came through it. */
    public static Optional<String> clientIp(Exchange exchange) {
        return routingContext(exchange).map(ctx -> ctx.get(CLIENT_IP));
    }

    /** The per-IP decision the HTTP server made for this request, if it came through it. */
    public static Optional<RateLimitVerdict> verdict(Exchange exchange) {
        return routingContext(exchange).map(ctx -> ctx.get(VERDICT));
    }

    /**
     * A request the router fails before any handler runs (a target that is no path, such as
     * {@code *}) is decided here, then left to the failure handlers that answer it; one that was
     * decided already fails later for reasons of its own and is not counted again.
     */
    private void decideIfFailedFirst(RoutingContext ctx) {
        if (ctx.get(CLIENT_IP) != null) {
            ctx.next();
            return;
        }
        decide(ctx);
    }

    private void decide(RoutingContext ctx) {
        String clientIp = clientAddresses.clientIp(socketPeer(ctx), forwardedFor(ctx));
        ctx.put(CLIENT_IP, clientIp);
        // Redis answers over the network: paused, the request's body waits for the route's body
        // handler instead of arriving before anyone reads it; the decision comes back to this loop
        var decided = gate.decideIp(clientIp).toCompletableFuture();
        if (decided.isDone() && !decided.isCompletedExceptionally()) {
            proceed(ctx, decided.join());
            return;
        }
        ctx.request().pause();
        Context requestContext = Vertx.currentContext();
        decided.whenComplete((verdict, failure) -> requestContext.runOnContext(ignored -> {
            ctx.request().resume();
            if (failure != null) {
                ctx.fail(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
            } else {
                proceed(ctx, verdict);
            }
        }));
    }

    private void proceed(RoutingContext ctx, RateLimitVerdict verdict) {
        ctx.put(VERDICT, verdict);
        if (!verdict.allowed()) {
            IngressGuard.answer(ctx, gate.refusal(verdict), defaultRegion.get(), hasBody(ctx));
            return;
        }
        ctx.addHeadersEndHandler(ignored -> putHeaders(ctx, verdict.decision()));
        ctx.next();
    }

    /**
     * The IP's {@code RateLimit-*} on an answer that has none of its own, or a looser bucket's (a
     * request header Camel copied onto the answer). A refusal that says when to come back is
     * left alone: its headers are the refusing limit's.
     */
    private static void putHeaders(RoutingContext ctx, LimitDecision ours) {
        MultiMap headers = ctx.response().headers();
        if (headers.contains(HttpHeaders.RETRY_AFTER) && ctx.response().getStatusCode() >= 400) {
            return;
        }
        if (RateLimitGate.answerIsTighter(headers.get("RateLimit-Remaining"), headers.get("RateLimit-Reset"), ours)) {
            return;
        }
        headers.remove("RateLimit-Limit").remove("RateLimit-Remaining").remove("RateLimit-Reset");
        ours.headers().forEach(headers::set);
    }

    private static boolean hasBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        return ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.trim().equals("0"));
    }

    private static String socketPeer(RoutingContext ctx) {
        SocketAddress peer = ctx.request().remoteAddress();
        return peer == null ? null : peer.hostAddress();
    }

    /** Several X-Forwarded-For headers read as one list, as proxies append to it. */
    private static String forwardedFor(RoutingContext ctx) {
        var all = ctx.request().headers().getAll("X-Forwarded-For");
        return all.isEmpty() ? null : String.join(",", all);
    }

    private static Optional<RoutingContext> routingContext(Exchange exchange) {
        if (exchange.getIn() instanceof HttpMessage message && message.getRequest() instanceof WebServerRequest request) {
            return Optional.ofNullable(request.routingContext());
        }
        return Optional.empty();
    }
}
