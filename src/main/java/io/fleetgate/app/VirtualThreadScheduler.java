package io.fleetgate.app;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler of the routes' waits (wake-up polls, ready buffer, retry delays): one timer
 * thread keeps time, and each due task runs on a virtual thread of its own. A task that then
 * calls the Fleet API blocks only its virtual thread, never the timer or another lane.
 */
public final class VirtualThreadScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService runner;

    public VirtualThreadScheduler(String name) {
        this.timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name(name + "-timer").unstarted(r));
        this.timer.setRemoveOnCancelPolicy(true);
        this.runner = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return timer.schedule(() -> runner.execute(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        // the callable's own value is not awaited here: callers of this scheduler use Runnables
        return timer.schedule(() -> {
            runner.submit(callable);
            return null;
        }, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return timer.scheduleAtFixedRate(() -> runner.execute(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return timer.scheduleWithFixedDelay(() -> runner.execute(command), initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        runner.execute(command);
    }

    @Override
    public void shutdown() {
        timer.shutdown();
        runner.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> pending = timer.shutdownNow();
        runner.shutdownNow();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return timer.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return timer.isTerminated() && runner.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return timer.awaitTermination(timeout, unit) && runner.awaitTermination(timeout, unit);
    }

    @Override
    public <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return runner.invokeAll(tasks);
    }
}
