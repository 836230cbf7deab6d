package io.fleetgate.ingress;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * Answers, in the error envelope, a request the HTTP server's decoder could not read: a request
 * line over its limit (414), headers over theirs (431), or bytes that are no HTTP request (400).
 * Vert.x's own answer to these has an empty body. No route and no guard sees such a request (the
 * decoder gave up before there was one), so it is not counted against its IP; the connection is
 * closed after the answer, as what follows on it cannot be read either.
 */
public final class UnreadableRequests implements Handler<HttpServerRequest> {
    private final Supplier<String> defaultRegion;

    public UnreadableRequests(Supplier<String> defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    @Override
    public void handle(HttpServerRequest request) {
        IngressGuard.answer(request, errorFor(request.decoderResult().cause()), defaultRegion.get(), true)
                .onComplete(written -> request.connection().close());
    }

    static GatewayError errorFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new GatewayError(414, "invalid_request", "The request line is longer than the server reads.");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new GatewayError(431, "invalid_request", "The request headers are larger than the server reads.");
        }
        return GatewayError.invalidRequest("The request is not HTTP the server can read.");
    }
}
