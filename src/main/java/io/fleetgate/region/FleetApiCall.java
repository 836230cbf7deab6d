package io.fleetgate.region;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * One call to a region's host, as {@link UpstreamRequest#prepare} left it on the message: method,
 * path and query in Camel's HTTP headers, every other header sent as it is, the body as bytes.
 * The answer replaces the message: its status, the headers a caller may see
 * ({@link UpstreamRequest#isAnswerHeader}) and its body as bytes.
 *
 * <p>Each answered call's time goes to the registry's {@link UpstreamLatency} (the region's latency
 * histogram). The region's breaker judges every call (a 5xx answer, a timeout or a connection failure
 * counts against the host; a 4xx or a wait for a pooled connection does not) and refuses calls
 * while open with {@link CallNotPermittedException}, sending nothing. Called on a Vert.x event
 * loop, the call never leaves it: the exchange goes on on the same loop once the answer is in.
 * Called on any other thread, that thread waits for the answer, as it would on a blocking client.
 */
final class FleetApiCall extends DefaultAsyncProducer {
    private final Region region;
    private final String host;
    private final int port;
    private final boolean tls;
    /** The base URL's path without a trailing slash ("" for none), put in front of each call's path. */
    private final String basePath;
    private final CircuitBreaker breaker;
    private final UpstreamLatency latency;
    private final UpstreamClientSettings settings;
    private final Supplier<Vertx> vertx;
    private final Supplier<HttpClient> client;

    FleetApiCall(FleetApiEndpoint endpoint, Region region, String baseUrl, CircuitBreaker breaker, UpstreamLatency latency,
            UpstreamClientSettings settings, Supplier<Vertx> vertx, Supplier<HttpClient> client) {
        super(endpoint);
        this.region = region;
        URI base = URI.create(baseUrl);
        this.host = base.getHost();
        this.port = RegionalBaseUrls.port(base);
        this.tls = "https".equalsIgnoreCase(base.getScheme());
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.breaker = breaker;
        this.latency = latency;
        this.settings = settings;
        this.vertx = vertx;
        this.client = client;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!breaker.tryAcquirePermission()) {
            exchange.setException(CallNotPermittedException.createCallNotPermittedException(breaker));
            callback.done(true);
            return true;
        }
        long started = System.nanoTime();
        if (Context.isOnEventLoopThread()) {
            call(exchange, started).onComplete(ignored -> callback.done(false));
            return false;
        }
        // Vert.x delivers an answer to the context that asked for it: the call is made on one, and
        // this thread waits for it as it would for a blocking client
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            context = vertx.get().getOrCreateContext();
        }
        CountDownLatch answered = new CountDownLatch(1);
        AtomicBoolean abandoned = new AtomicBoolean();
        context.runOnContext(ignored -> call(exchange, abandoned, started).onComplete(done -> answered.countDown()));
        try {
            answered.await();
        } catch (InterruptedException e) {
            abandoned.set(true);
            Thread.currentThread().interrupt();
            exchange.setException(new InterruptedIOException("stopped waiting for the Fleet API"));
        }
        callback.done(true);
        return true;
    }

    private Future<Void> call(Exchange exchange, long started) {
        return call(exchange, new AtomicBoolean(), started);
    }

    /** Sends the call from the current Vert.x context; the exchange holds the answer or the failure when it completes. */
    private Future<Void> call(Exchange exchange, AtomicBoolean abandoned, long started) {
        Future<Answer> answer;
        try {
            answer = send(exchange.getMessage());
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        return answer.transform(result -> {
            if (!abandoned.get()) {
                complete(exchange, result.succeeded() ? result.result() : null, result.cause(), started);
            }
            return Future.succeededFuture();
        });
    }

    /** The answer as read: status, headers, whole body. */
    private record Answer(int status, MultiMap headers, byte[] body) {}

    /** The request is in flight once a pooled connection took it (a timeout after that is the host's). */
    private Future<Answer> send(Message message) {
        String method = message.getHeader(Exchange.HTTP_METHOD, String.class);
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        String query = message.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(method == null ? "GET" : method))
                .setHost(host)
                .setPort(port)
                .setSsl(tls)
                .setURI(basePath + (path == null ? "" : path) + (query == null || query.isEmpty() ? "" : "?" + query))
                .setConnectTimeout(settings.poolWait().plus(settings.connectTimeout()).toMillis())
                .setIdleTimeout(settings.responseTimeout().toMillis());
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            if (!header.getKey().startsWith("Camel") && header.getValue() != null) {
                options.putHeader(header.getKey(), header.getValue().toString());
            }
        }
        // a read has no body: asked for null as bytes, Camel would search its converters each time
        Object held = message.getBody();
        byte[] body = held == null ? null : held instanceof byte[] bytes ? bytes : message.getBody(byte[].class);
        AtomicBoolean connected = new AtomicBoolean();
        return client.get().request(options)
                .compose(request -> {
                    connected.set(true);
                    // the answer's handlers are in place before anything is sent, so no part of it
                    // can arrive before they are
                    Promise<Answer> answer = Promise.promise();
                    request.response(head -> {
                        if (head.failed()) {
                            answer.tryFail(head.cause());
                            return;
                        }
                        HttpClientResponse response = head.result();
                        AnswerBytes read = new AnswerBytes(response.getHeader(HttpHeaders.CONTENT_LENGTH));
                        response.handler(read::append);
                        response.exceptionHandler(answer::tryFail);
                        response.endHandler(end -> answer.tryComplete(new Answer(response.statusCode(), response.headers(), read.bytes())));
                    });
                    if (body == null) {
                        request.end().onFailure(answer::tryFail);
                    } else {
                        request.end(Buffer.buffer(body)).onFailure(answer::tryFail);
                    }
                    return answer.future();
                })
                .recover(failure -> Future.failedFuture(asTransportFailure(failure, connected.get())));
    }

    private void complete(Exchange exchange, Answer answer, Throwable failure, long started) {
        long took = System.nanoTime() - started;
        Message message = exchange.getMessage();
        // the request's headers (its Tesla token among them) never stay on the exchange
        message.getHeaders().clear();
        if (answer == null) {
            message.setBody(null);
            breaker.onError(took, TimeUnit.NANOSECONDS, failure);
            exchange.setException(failure);
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        answer.headers().forEach(header -> {
            if (UpstreamRequest.isAnswerHeader(header.getKey())) {
                message.setHeader(header.getKey(), header.getValue());
            }
        });
        message.setBody(answer.body());
        breaker.onResult(took, TimeUnit.NANOSECONDS, exchange);
        latency.answered(region, Duration.ofNanos(took));
    }

    /**
     * What went wrong as the error answers and the retry policy know it: a timeout with the
     * request out is the host's ({@link SocketTimeoutException}, 504), one before any connection
     * was free is this replica's ({@link NoConnectionFreeException}), anything else a failed
     * connection ({@link IOException}, 502).
     */
    private Throwable asTransportFailure(Throwable failure, boolean connected) {
        if (failure instanceof TimeoutException) {
            return connected
                    ? new SocketTimeoutException("the Fleet API (" + region.code() + ") did not answer in time")
                    : new NoConnectionFreeException("no connection to the Fleet API (" + region.code() + ") came free in time");
        }
        if (failure instanceof IOException) {
            return failure;
        }
        return new IOException("the call to the Fleet API (" + region.code() + ") failed: " + failure.getMessage(), failure);
    }
}
