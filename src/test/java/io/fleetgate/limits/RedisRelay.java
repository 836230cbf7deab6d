package io.fleetgate.limits;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands for a Redis server's address in a test: relays every connection to the real Redis, and
 * {@link #stop()} is that server going away (open connections reset, new ones refused), without
 * stopping the Redis that other tests and builds on this machine share.
 */
final class RedisRelay implements AutoCloseable {
    private final ServerSocket server;
    private final URI target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Duration answerDelay = Duration.ZERO;

    RedisRelay(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("redis-relay").start(this::acceptAll);
    }

    /** {@code redis://127.0.0.1:<relay port>} */
    URI url() {
        return URI.create("redis://127.0.0.1:" + server.getLocalPort());
    }

    /** Holds every answer from Redis this long before passing it on: a slow network path. */
    void delayAnswers(Duration delay) {
        answerDelay = delay;
    }

    void stop() {
        close();
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(RedisRelay::closeQuietly);
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket(target.getHost(), target.getPort());
                sockets.add(client);
                sockets.add(redis);
                Thread.ofVirtual().start(() -> pump(client, redis, false));
                Thread.ofVirtual().start(() -> pump(redis, client, true));
            } catch (IOException e) {
                // closed: Redis is "down"
            }
        }
    }

    private void pump(Socket from, Socket to, boolean answers) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (answers && !answerDelay.isZero()) {
                    Thread.sleep(answerDelay);
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
