package io.fleetgate.testing;

import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The real Redis the limiter tests and benchmark run against (default {@code redis://127.0.0.1:6379},
 * or {@code -Dfleetgate.test.redis-url}). Other tests and runs share it, so each keeps to keys under
 * a prefix of its own and deletes only those, never the whole database.
 */
public final class TestRedis {
    public static final URI URL = URI.create(System.getProperty("fleetgate.test.redis-url", "redis://127.0.0.1:6379"));

    private TestRedis() {}

    /** A key prefix no other test or run uses: {@code <kind>:<random uuid>:}. */
    public static String uniquePrefix(String kind) {
        return kind + ":" + UUID.randomUUID() + ":";
    }

    /** A client to look at keys with; fails the test, saying what it needs, when no Redis answers. */
    public static RedisClient inspector() {
        RedisClient inspector = RedisClient.create(URL);
        try {
            inspector.ping();
        } catch (RuntimeException e) {
            inspector.close();
            fail("these tests need a Redis at " + URL + " (start redis-server, or set -Dfleetgate.test.redis-url)", e);
        }
        return inspector;
    }

    /** Deletes every key under the prefix. */
    public static void deleteKeys(RedisClient inspector, String prefix) {
        ScanParams mine = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = inspector.scan(cursor, mine);
            if (!page.getResult().isEmpty()) {
                inspector.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
}
