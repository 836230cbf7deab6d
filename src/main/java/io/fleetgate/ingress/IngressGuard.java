package io.fleetgate.ingress;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Runs on the HTTP server before a request body is read, where the routes cannot yet act:
 * a declared body over the limit is refused at once (nothing is buffered), a body sent with a
 * form content type is taken as the JSON it should be (so the server does not parse it as a
 * form), and the server's own refusals (413, 400) are answered in the error envelope.
 */
public final class IngressGuard {
    private final long maxBodyBytes;
    private final Supplier<String> defaultRegion;

    public IngressGuard(long maxBodyBytes, Supplier<String> defaultRegion) {
        this.maxBodyBytes = maxBodyBytes;
        this.defaultRegion = defaultRegion;
    }

    public void install(Router router, String pathPrefix) {
        router.route(pathPrefix + "*").order(-1000).handler(this::inspect).failureHandler(this::serverRefusal);
    }

    private void serverRefusal(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            answer(ctx, GatewayError.bodyTooLarge(maxBodyBytes));
        } else if (ctx.statusCode() == 400) {
            answer(ctx, GatewayError.invalidRequest("The request could not be read."));
        } else {
            ctx.next();
        }
    }

    private void inspect(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredLength(length) > maxBodyBytes) {
            answer(ctx, GatewayError.bodyTooLarge(maxBodyBytes));
            return;
        }
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && isFormType(type)) {
            ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        ctx.next();
    }

    private void answer(RoutingContext ctx, GatewayError error) {
        if (ctx.response().headWritten()) {
            return;
        }
        ctx.response()
                .setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("x-region", defaultRegion.get());
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            // the rest of an oversized body is not worth reading (HTTP/2 has no such header)
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        ctx.response().end(ErrorResponses.envelope(error.error(), error.description()));
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
