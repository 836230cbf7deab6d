package io.fleetgate.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Many threads, released together, trying the same thing. */
final class Race {
    private Race() {
    }

    /** Runs {@code attempt} {@code attemptsEach} times in each of {@code threads} threads; counts the trues. */
    static int count(int threads, int attemptsEach, Callable<Boolean> attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int trues = 0;
                    for (int i = 0; i < attemptsEach; i++) {
                        if (attempt.call()) {
                            trues++;
                        }
                    }
                    return trues;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
