package io.fleetgate.command;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One lane per VIN: tasks of a VIN run one at a time in arrival order, different VINs at once.
 * A task is asynchronous (it returns a stage), so a lane waiting on a wake-up or a retry delay
 * holds no thread and delays no other lane; each task starts on the executor, never on the
 * thread that submitted it (the Kafka consumer's).
 */
public final class VinLanes<T> {
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** Items submitted and not yet finished, over all lanes: what the consumer may read ahead is bounded by it. */
    private final AtomicInteger held = new AtomicInteger();
    private final Executor executor;
    private volatile boolean closed;
    private final Function<T, CompletionStage<?>> task;

    public VinLanes(Executor executor, Function<T, CompletionStage<?>> task) {
        this.executor = executor;
        this.task = task;
    }

    public void submit(String vin, T item) {
        if (closed) {
            return;
        }
        boolean start;
        Lane lane;
        while (true) {
            lane = lanes.computeIfAbsent(vin, v -> new Lane());
            synchronized (lane) {
                if (lane.retired) {
                    continue; // emptied and removed meanwhile: take a fresh lane
                }
                lane.queue.add(item);
                held.incrementAndGet();
                start = !lane.running;
                lane.running = true;
            }
            break;
        }
        if (start) {
            Lane started = lane;
            executor.execute(() -> runNext(vin, started));
        }
    }

    /**
     * Starts nothing more: running tasks finish, queued ones are dropped (their records are not
     * committed, so the partition's next owner runs them).
     */
    public void close() {
        closed = true;
    }

    /** Lanes with work queued or running. */
    public int activeLanes() {
        return lanes.size();
    }

    /** Items running or waiting, over all lanes. */
    public int heldItems() {
        return held.get();
    }

    /** Items waiting behind the running one, over all lanes. */
    public int queuedItems() {
        int total = 0;
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                total += Math.max(0, lane.queue.size() - 1);
            }
        }
        return total;
    }

    /** The vehicle's commands in its lane, the running one included (0: none). */
    public int depth(String vin) {
        Lane lane = lanes.get(vin);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.queue.size();
        }
    }

    private void runNext(String vin, Lane lane) {
        T item;
        synchronized (lane) {
            item = lane.queue.peek();
        }
        CompletionStage<?> done;
        try {
            done = task.apply(item);
        } catch (RuntimeException e) {
            done = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        done.whenComplete((result, failure) -> {
            boolean more;
            synchronized (lane) {
                lane.queue.poll();
                held.decrementAndGet();
                more = !lane.queue.isEmpty();
                if (!more) {
                    lane.running = false;
                    lane.retired = true;
                    lanes.remove(vin, lane);
                }
            }
            if (more && !closed) {
                executor.execute(() -> runNext(vin, lane));
            }
        });
    }

    private final class Lane {
        final Queue<T> queue = new ArrayDeque<>();
        boolean running;
        boolean retired;
    }
}
