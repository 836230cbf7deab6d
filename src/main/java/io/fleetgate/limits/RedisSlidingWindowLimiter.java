package io.fleetgate.limits;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Sliding windows in a Redis shared by every replica, so the limits hold across all of them.
 * Each key is a sorted set of accepted requests scored by their time; one Lua script per request
 * checks and counts every quota of the request at once, so no two replicas can both take the
 * last slot, and a request refused by one quota is counted by none.
 *
 * <p>The script takes its clock from the Redis server ({@code TIME}), so replicas with skewed
 * clocks still agree on the windows. Keys expire one window after their newest request, so idle
 * clients cost Redis nothing. With Redis Cluster every key of one request must hash to one slot.
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

    private final UnifiedJedis redis;
    private final String keyPrefix;
    private final String instanceId;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param redis the client; closed with this limiter
     * @param keyPrefix put before every key, e.g. {@code fleetgate:rl:}
     * @param random draws this instance's id, which keeps members unique across replicas
     */
    public RedisSlidingWindowLimiter(UnifiedJedis redis, String keyPrefix, RandomGenerator random) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.instanceId = Long.toHexString(random.nextLong());
    }

    /**
     * Connects to {@code redis://[user:password@]host:port[/db]} (or {@code rediss://}) with one
     * timeout for connecting, for each reply and for waiting on a pooled connection, so that no
     * request waits on Redis for much longer than {@code timeout}.
     */
    public static RedisSlidingWindowLimiter connect(URI redisUrl, Duration timeout, int maxConnections, String keyPrefix) {
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMaxWait(timeout);
        RedisClient client = RedisClient.builder()
                .clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(millis)
                        .socketTimeoutMillis(millis)
                        .clientName("fleetgate-limits")
                        .build())
                // after clientConfig: the URL's credentials, database and TLS are merged into it
                .fromURI(redisUrl)
                .poolConfig(pool)
                .build();
        return new RedisSlidingWindowLimiter(client, keyPrefix, new SecureRandom());
    }

    @Override
    public List<LimitDecision> acquireAll(List<Quota> quotas) {
        return decide(quotas, instanceId + ':' + sequence.incrementAndGet());
    }

    @Override
    public LimitDecision peek(Quota quota) {
        return decide(List.of(quota), "").getFirst();
    }

    /** ZPOPMAX: the newest member, since members are scored by their time. */
    @Override
    public void releaseNewest(String key) {
        try {
            redis.zpopmax(keyPrefix + key);
        } catch (JedisException e) {
            throw new LimiterUnavailableException("Redis rate limiter: " + e.getMessage(), e);
        }
    }

    /** @param member this request's unique member, or empty to count nothing */
    private List<LimitDecision> decide(List<Quota> quotas, String member) {
        if (quotas.isEmpty()) {
            throw new IllegalArgumentException("no quota to apply");
        }
        List<String> keys = new ArrayList<>(quotas.size());
        List<String> args = new ArrayList<>(1 + 2 * quotas.size());
        args.add(member);
        for (Quota quota : quotas) {
            keys.add(keyPrefix + quota.key());
            args.add(Integer.toString(quota.limit()));
            args.add(Long.toString(quota.windowMillis()));
        }
        if (keys.stream().distinct().count() != keys.size()) {
            throw new IllegalArgumentException("each quota needs its own key: " + quotas);
        }
        List<?> reply = run(keys, args);
        long now = number(reply.get(1));
        List<LimitDecision> decisions = new ArrayList<>(quotas.size());
        for (int i = 0; i < quotas.size(); i++) {
            int at = 2 + 3 * i;
            decisions.add(LimitDecision.of(number(reply.get(at)) == 1, quotas.get(i).limit(),
                    Math.toIntExact(number(reply.get(at + 1))), number(reply.get(at + 2)), now));
        }
        return decisions;
    }

    private List<?> run(List<String> keys, List<String> args) {
        try {
            try {
                return (List<?>) redis.evalsha(SCRIPT_SHA, keys, args);
            } catch (JedisNoScriptException notLoadedYet) {
                // first use on this server, or after a restart or SCRIPT FLUSH: EVAL also caches it
                return (List<?>) redis.eval(SCRIPT, keys, args);
            }
        } catch (JedisException e) {
            throw new LimiterUnavailableException("Redis rate limiter: " + e.getMessage(), e);
        }
    }

    /** Whether Redis answers a PING within the connection's timeout (for the readiness check). */
    public boolean answers() {
        try {
            return "PONG".equalsIgnoreCase(redis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        redis.close();
    }

    private static long number(Object reply) {
        return ((Number) reply).longValue();
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
