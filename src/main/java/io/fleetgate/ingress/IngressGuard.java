package io.fleetgate.ingress;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs on the HTTP server where the routes cannot act. Before a request body is read: a
 * declared body over the limit is refused at once (nothing is buffered), a body sent with a
 * form content type is taken as the JSON it should be (so the server does not parse it as a
 * form), a path or query with broken percent-encoding or raw non-ASCII bytes is refused, and the server's own refusals (413, 400,
 * and 404 for a request target that is no path, such as {@code *}) are answered in the error
 * envelope on every path. Behind
 * the routes, where the server would answer in plain text: a method that no route on one of
 * Fleetgate's own paths takes is 405 with {@code Allow}, a path whose route is not running is
 * 503, and a path no route serves is 404, each in the envelope. Each of these requests has been
 * counted against its client IP first ({@link IpLimitGuard}), like any other.
 */
public final class IngressGuard {
    /** The methods Vert.x Web decodes a form body for. */
    private static final Set<String> FORM_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
    /**
     * Behind every route the server holds: a route's order is the number of routes added before it,
     * so a route started later (a restart, a route added at run time) is still ahead of these.
     */
    private static final int BEHIND_THE_ROUTES = 1_000_000;
    /** Behind the answers for known paths: what is left is a path nothing serves. */
    private static final int BEHIND_EVERYTHING = BEHIND_THE_ROUTES + 1;
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^/}]+)}");

    private final long maxBodyBytes;
    private final Supplier<String> defaultRegion;

    public IngressGuard(long maxBodyBytes, Supplier<String> defaultRegion) {
        this.maxBodyBytes = maxBodyBytes;
        this.defaultRegion = defaultRegion;
    }

    public void install(Router router, String pathPrefix) {
        router.route(pathPrefix + "*").order(-1000).handler(this::inspect);
        // on every path: a request target that is no path ("*", "api/1/vehicles") fails before any route
        router.route().order(-1000).failureHandler(this::serverRefusal);
    }

    /**
     * @param methodsByPath each own path (Camel's {@code /a/{id}} form) with the methods its routes
     *                      take; a route that restricts its methods is not matched by any other, so
     *                      such a request falls through to here
     */
    public void refuseOtherMethods(Router router, Map<String, Set<String>> methodsByPath) {
        methodsByPath.forEach((path, methods) -> router.route(PATH_PARAMETER.matcher(path).replaceAll(":$1"))
                .order(BEHIND_THE_ROUTES)
                .handler(ctx -> refuseMethod(ctx, methods)));
    }

    /**
     * @param methodsByPrefix the paths under which a route takes every path (the Fleet API's
     *                        {@code /api/1}, the console), each with the methods it takes (empty:
     *                        every one): a request under one reaches here with another method, or
     *                        while that route is not running
     */
    public void holdPrefixes(Router router, Map<String, Set<String>> methodsByPrefix) {
        methodsByPrefix.forEach((prefix, methods) -> router.route(prefix + "*")
                .order(BEHIND_THE_ROUTES)
                .handler(ctx -> {
                    if (methods.isEmpty()) {
                        answer(ctx, GatewayError.notServing(ctx.request().path()), false);
                    } else {
                        refuseMethod(ctx, methods);
                    }
                }));
    }

    /** Answers 404 in the envelope for whatever no route and no handler above took, any method. */
    public void refuseUnknownPaths(Router router) {
        router.route()
                .order(BEHIND_EVERYTHING)
                .handler(ctx -> answer(ctx, GatewayError.unknownPath(ctx.request().path()), false));
    }

    private void refuseMethod(RoutingContext ctx, Set<String> methods) {
        String method = ctx.request().method().name();
        if (methods.contains(method)) {
            // a method the path takes, yet no route took it: the route is not running (starting,
            // stopping, stopped), so the endpoint is there but unavailable, not unknown
            answer(ctx, GatewayError.notServing(ctx.request().path()), false);
            return;
        }
        answer(ctx, GatewayError.methodNotAllowed(method, ctx.request().path(), methods), false);
    }

    /**
     * @param serverRouter the server's own router, in front of the one the routes are on. A
     *                     target with raw non-ASCII bytes cannot be forwarded as it came; a path
     *                     with a broken percent-escape ({@code %zz}, a lone {@code %}) cannot be
     *                     matched against its mount point, nor a query with one against a route
     *                     with path parameters: Vert.x Web would answer either with a plain-text
     *                     400 of its own before any handler of the routes' router runs
     */
    public void refuseUnreadableTargets(Router serverRouter) {
        serverRouter.route().order(-1000).handler(this::requireReadableTarget);
    }

    private void requireReadableTarget(RoutingContext ctx) {
        if (!isPrintableAscii(ctx.request().uri())) {
            // the server reads raw bytes as Latin-1: forwarded, they would be garbled, or refused by
            // the HTTP client building the upstream URI (a control character such as U+0081)
            answer(ctx, GatewayError.invalidRequest("The request target holds characters that are not percent-encoded."), false);
            return;
        }
        try {
            ctx.normalizedPath();
        } catch (IllegalArgumentException unreadable) {
            answer(ctx, GatewayError.invalidRequest("The request path is not valid percent-encoding."), false);
            return;
        }
        try {
            ctx.request().params();
        } catch (IllegalArgumentException unreadable) {
            answer(ctx, GatewayError.invalidRequest("The query string is not valid percent-encoding."), false);
            return;
        }
        dropFormTypeWhereNoFormCanBe(ctx);
        ctx.next();
    }

    /**
     * Vert.x Web's body handler (the platform-http routes') decodes a form or multipart body, and
     * throws (a plain 500 of its own) when the method is not POST, PUT, PATCH or DELETE. For any
     * other method Fleetgate reads no body, so such a Content-Type says nothing and goes.
     */
    private static void dropFormTypeWhereNoFormCanBe(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && !FORM_METHODS.contains(ctx.request().method().name())) {
            String lower = type.toLowerCase(Locale.ROOT);
            if (lower.startsWith("multipart/form-data") || lower.startsWith("application/x-www-form-urlencoded")) {
                ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
            }
        }
    }

    private void serverRefusal(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            answer(ctx, GatewayError.bodyTooLarge(maxBodyBytes), true);
        } else if (ctx.statusCode() == 400) {
            answer(ctx, GatewayError.invalidRequest("The request could not be read."), true);
        } else if (ctx.statusCode() == 404 && ctx.failure() == null) {
            // the router's own 404 for a target that does not start with '/'
            answer(ctx, GatewayError.unknownPath(ctx.request().path()), false);
        } else {
            ctx.next();
        }
    }

    private void inspect(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredLength(length) > maxBodyBytes) {
            answer(ctx, GatewayError.bodyTooLarge(maxBodyBytes), true);
            return;
        }
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && isFormType(type)) {
            ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        ctx.next();
    }

    private void answer(RoutingContext ctx, GatewayError error, boolean dropConnection) {
        answer(ctx, error, defaultRegion.get(), dropConnection);
    }

    /** An answer in the error envelope from the server itself, where no route is involved. */
    static void answer(RoutingContext ctx, GatewayError error, String region, boolean dropConnection) {
        // the rest of an oversized or refused body is not worth reading (HTTP/2 has no such header)
        answer(ctx.request(), error, region, dropConnection && ctx.request().version() != HttpVersion.HTTP_2);
    }

    /** The same for a request no router holds (one the server's decoder could not read). */
    static Future<Void> answer(HttpServerRequest request, GatewayError error, String region, boolean closeConnection) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            return Future.succeededFuture();
        }
        response.setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("x-region", region);
        error.headers().forEach(response::putHeader);
        if (closeConnection) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        return response.end(ErrorResponses.envelope(error.error(), error.description()));
    }

    private static boolean isPrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFormType(String type) {
        String lower = type.toLowerCase(Locale.ROOT);
        return lower.startsWith("application/x-www-form-urlencoded") || lower.startsWith("multipart/");
    }

    private static long declaredLength(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
