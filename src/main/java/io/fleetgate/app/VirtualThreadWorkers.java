package io.fleetgate.app;

import io.vertx.core.spi.ExecutorServiceFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Runs Vert.x's worker pool on virtual threads. platform-http hands each request to a worker and
 * waits there until the route is done, so a REST command waiting for a vehicle to wake would
 * otherwise hold a platform thread (and 2,000 of them would need 2,000 threads or queue behind
 * the pool's 20). Registered through META-INF/services.
 */
public final class VirtualThreadWorkers implements ExecutorServiceFactory {

    @Override
    public ExecutorService createExecutor(ThreadFactory threadFactory, Integer concurrency, Integer maxConcurrency) {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vertx-virtual-worker-", 0).factory());
    }
}
