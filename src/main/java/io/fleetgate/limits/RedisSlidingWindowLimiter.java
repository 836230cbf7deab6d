package io.fleetgate.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Sliding windows in a Redis shared by every replica, so the limits hold across all of them.
 * Each key is a sorted set of accepted requests scored by their time; one Lua script per request
 * checks and counts every quota of the request at once, so no two replicas can both take the
 * last slot, and a request refused by one quota is counted by none.
 *
 * <p>The script takes its clock from the Redis server ({@code TIME}), so replicas with skewed
 * clocks still agree on the windows. Keys expire one window after their newest request, so idle
 * clients cost Redis nothing. With Redis Cluster every key of one request must hash to one slot.
 *
 * <p>The client is Vert.x's, on a small Vert.x of its own: a decision is a future, so the HTTP
 * server's event loop asks for it and goes on with other requests until Redis answers (no worker
 * hop, no thread parked on a socket). The blocking forms are for callers on worker threads (the
 * admin API); on an event loop they refuse to wait.
 */
public final class RedisSlidingWindowLimiter implements SlidingWindowLimiter, AutoCloseable {
    // ARGV[1] makes each member unique (empty: a peek, which counts nothing); then a limit and a window (ms) per key.
    // Reply: all-admitted (1/0), now (ms), then per key: had-room (1/0), counted, next-free-at (ms, -1: none).
    // Times are whole milliseconds: below 10^14 they survive Lua's number-to-string conversion exactly.
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local counts, room, all = {}, {}, true
            for i = 1, #KEYS do
              local limit, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
              redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
              counts[i] = redis.call('ZCARD', KEYS[i])
              room[i] = counts[i] < limit
              all = all and room[i]
            end
            local reply = {all and 1 or 0, now}
            for i = 1, #KEYS do
              local limit, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
              if all and ARGV[1] ~= '' then
                redis.call('ZADD', KEYS[i], now, now .. ':' .. ARGV[1])
                redis.call('PEXPIRE', KEYS[i], window)
                counts[i] = counts[i] + 1
              end
              local nextFree = -1
              if counts[i] > 0 then
                local at = math.max(0, counts[i] - limit)
                nextFree = tonumber(redis.call('ZRANGE', KEYS[i], at, at, 'WITHSCORES')[2]) + window
              end
              reply[#reply + 1] = room[i] and 1 or 0
              reply[#reply + 1] = counts[i]
              reply[#reply + 1] = nextFree
            end
            return reply
            """;
    static final String SCRIPT_SHA = sha1Hex(SCRIPT);

    private static final Duration WARM_UP = Duration.ofSeconds(3);
    /** A readiness probe is no request in a hurry: one slow answer must not take the replica out of service. */
    private static final Duration PING_PATIENCE = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final Redis redis;
    private final long timeoutMillis;
    private final String keyPrefix;
    private final String instanceId;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param vertx runs the client; closed with this limiter
     * @param redis the client; closed with this limiter
     * @param timeout how long any one call may take, waiting for a pooled connection included
     * @param keyPrefix put before every key, e.g. {@code fleetgate:rl:}
     * @param random draws this instance's id, which keeps members unique across replicas
     */
    RedisSlidingWindowLimiter(Vertx vertx, Redis redis, Duration timeout, String keyPrefix, RandomGenerator random) {
        this.vertx = vertx;
        this.redis = redis;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.keyPrefix = keyPrefix;
        this.instanceId = Long.toHexString(random.nextLong());
    }

    /**
     * Connects to {@code redis://[user:password@]host:port[/db]} (or {@code rediss://}) with one
     * timeout for connecting and for each call, waiting for a pooled connection included, so that
     * no request waits on Redis for much longer than {@code timeout}.
     */
    public static RedisSlidingWindowLimiter connect(URI redisUrl, Duration timeout, int maxConnections, String keyPrefix) {
        // one event loop: each call is a few hundred bytes on a pipelined connection
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        RedisOptions options = new RedisOptions()
                .setConnectionString(redisUrl.toString())
                .setMaxPoolSize(maxConnections)
                // the timeout bounds a wait for a connection; the queue itself never refuses first
                .setMaxPoolWaiting(Integer.MAX_VALUE);
        options.getNetClientOptions().setConnectTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
        RedisSlidingWindowLimiter limiter = new RedisSlidingWindowLimiter(vertx, Redis.createClient(vertx, options), timeout,
                keyPrefix, new SecureRandom());
        limiter.warmUp();
        return limiter;
    }

    /**
     * Opens the pool's first connection before the first decision: a cold client's first connect
     * loads and starts its network stack, a few hundred milliseconds, which the first requests
     * would otherwise spend as a timeout. A Redis that is down or silent is left to the failure
     * policy, after at most {@link #WARM_UP}.
     */
    private void warmUp() {
        try {
            redis.connect().onSuccess(RedisConnection::close).toCompletionStage().toCompletableFuture()
                    .get(WARM_UP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the first decisions meet the same failure and the policy answers them
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<LimitDecision> acquireAll(List<Quota> quotas) {
        return await(acquireAllAsync(quotas));
    }

    @Override
    public CompletionStage<List<LimitDecision>> acquireAllAsync(List<Quota> quotas) {
        return decide(quotas, instanceId + ':' + sequence.incrementAndGet());
    }

    @Override
    public LimitDecision peek(Quota quota) {
        return await(decide(List.of(quota), "")).getFirst();
    }

    @Override
    public void releaseNewest(String key) {
        await(releaseNewestAsync(key));
    }

    /** ZPOPMAX: the newest member, since members are scored by their time. */
    @Override
    public CompletionStage<Void> releaseNewestAsync(String key) {
        return call(Request.cmd(Command.ZPOPMAX).arg(keyPrefix + key)).<Void>map(popped -> null).toCompletionStage();
    }

    /** @param member this request's unique member, or empty to count nothing */
    private CompletionStage<List<LimitDecision>> decide(List<Quota> quotas, String member) {
        if (quotas.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no quota to apply"));
        }
        List<String> keys = new ArrayList<>(quotas.size());
        for (Quota quota : quotas) {
            keys.add(keyPrefix + quota.key());
        }
        if (keys.stream().distinct().count() != keys.size()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("each quota needs its own key: " + quotas));
        }
        return run(keys, member, quotas).map(reply -> decisions(quotas, reply)).toCompletionStage();
    }

    private static List<LimitDecision> decisions(List<Quota> quotas, Response reply) {
        long now = reply.get(1).toLong();
        List<LimitDecision> decisions = new ArrayList<>(quotas.size());
        for (int i = 0; i < quotas.size(); i++) {
            int at = 2 + 3 * i;
            decisions.add(LimitDecision.of(reply.get(at).toLong() == 1, quotas.get(i).limit(),
                    Math.toIntExact(reply.get(at + 1).toLong()), reply.get(at + 2).toLong(), now));
        }
        return decisions;
    }

    private Future<Response> run(List<String> keys, String member, List<Quota> quotas) {
        return call(script(Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA), keys, member, quotas)).recover(failed -> {
            if (failed.getCause() != null && String.valueOf(failed.getCause().getMessage()).startsWith("NOSCRIPT")) {
                // first use on this server, or after a restart or SCRIPT FLUSH: EVAL also caches it
                return call(script(Request.cmd(Command.EVAL).arg(SCRIPT), keys, member, quotas));
            }
            return Future.failedFuture(failed);
        });
    }

    private static Request script(Request request, List<String> keys, String member, List<Quota> quotas) {
        request.arg(keys.size());
        keys.forEach(request::arg);
        request.arg(member);
        for (Quota quota : quotas) {
            request.arg(quota.limit()).arg(quota.windowMillis());
        }
        return request;
    }

    /**
     * One command on a pooled connection, failed with {@link LimiterUnavailableException} when
     * Redis errs, or when getting the connection (a new one is connected) or the answer takes
     * longer than the timeout: each is bounded on its own, as a socket's connect and read timeouts
     * are.
     */
    private Future<Response> call(Request request) {
        return call(request, timeoutMillis);
    }

    private Future<Response> call(Request request, long limitMillis) {
        Promise<RedisConnection> connected = Promise.promise();
        long connectTimer = vertx.setTimer(limitMillis, fired -> connected.tryFail(silent("connecting", limitMillis)));
        redis.connect().onComplete(connection -> {
            vertx.cancelTimer(connectTimer);
            if (connection.failed()) {
                connected.tryFail(failed(connection.cause()));
            } else if (!connected.tryComplete(connection.result())) {
                connection.result().close(); // too late: back to the pool
            }
        });
        return connected.future().compose(connection -> {
            Promise<Response> answer = Promise.promise();
            long answerTimer = vertx.setTimer(limitMillis, fired -> answer.tryFail(silent("answering", limitMillis)));
            connection.send(request).onComplete(sent -> {
                vertx.cancelTimer(answerTimer);
                connection.close();
                if (sent.succeeded()) {
                    answer.tryComplete(sent.result());
                } else {
                    answer.tryFail(failed(sent.cause()));
                }
            });
            return answer.future();
        });
    }

    private static LimiterUnavailableException silent(String what, long limitMillis) {
        return new LimiterUnavailableException("Redis rate limiter: no answer within " + limitMillis + " ms (" + what + ")",
                null);
    }

    private static LimiterUnavailableException failed(Throwable cause) {
        return new LimiterUnavailableException("Redis rate limiter: " + cause.getMessage(), cause);
    }

    /**
     * Whether Redis answers a PING within the timeout, or {@link #PING_PATIENCE} if that is longer
     * (for the readiness check; from a worker thread).
     */
    public boolean answers() {
        try {
            Response pong = await(call(Request.cmd(Command.PING), Math.max(timeoutMillis, PING_PATIENCE.toMillis())).toCompletionStage());
            return pong != null && "PONG".equalsIgnoreCase(pong.toString());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        redis.close();
        vertx.close();
    }

    /** The blocking form: for worker threads only, since an event loop that waits stops every request on it. */
    private static <T> T await(CompletionStage<T> decision) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a Redis limit decision is asked for asynchronously on an event loop");
        }
        try {
            return decision.toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw unwrapped(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LimiterUnavailableException("Redis rate limiter: interrupted while waiting", e);
        }
    }

    private static RuntimeException unwrapped(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RuntimeException runtime ? runtime : new LimiterUnavailableException(
                "Redis rate limiter: " + cause.getMessage(), cause);
    }

    private static String sha1Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
