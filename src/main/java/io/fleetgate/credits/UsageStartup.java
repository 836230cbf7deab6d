package io.fleetgate.credits;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the credit ledger, then the usage roll-ups' aggregation, in that order (the ledger reads
 * where the aggregation had committed before it commits again), on a thread of their own once the
 * routes are running: their Kafka admin calls and the Streams start added 3.6 s to a start to the
 * first proxied answer, which needs neither. Until the ledger has read back its totals, a budget check waits
 * for them (bounded, as after any start); reads and commands without a budget go on at once. No
 * request waits for the aggregation: it starts with the background routes, {@code fleetgate.startup.background-delay-ms}
 * after the others, so that its Streams start does not compete with the first requests on few cores.
 */
final class UsageStartup extends ServiceSupport implements ExtendedStartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(UsageStartup.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final CreditLedger ledger;
    private final UsageRollups rollups;
    private final Duration rollupsDelay;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private Thread starting;

    UsageStartup(CreditLedger ledger, UsageRollups rollups, Duration rollupsDelay) {
        this.ledger = ledger;
        this.rollups = rollups;
        this.rollupsDelay = rollupsDelay;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // not yet: the routes start first
    }

    @Override
    public synchronized void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (starting != null || !isStarted()) {
            return;
        }
        long rollupsAt = System.nanoTime() + rollupsDelay.toNanos();
        starting = Thread.ofVirtual().name("fleetgate-usage-start").start(() -> {
            try {
                ServiceHelper.startService(ledger);
                // a virtual thread's wait holds no carrier; a stop ends it at once
                if (!stopping.await(Math.max(0, rollupsAt - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    ServiceHelper.startService(rollups);
                }
            } catch (RuntimeException e) {
                LOG.warn("usage totals: could not start ({}); budget checks go on with what is known", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    protected void doStart() {
        // begins once the context is fully started (onCamelContextFullyStarted)
    }

    @Override
    protected void doStop() throws InterruptedException {
        stopping.countDown();
        Thread starting;
        synchronized (this) {
            starting = this.starting;
        }
        if (starting != null && !starting.join(STOP_WAIT)) {
            LOG.warn("usage totals: still starting after {} s as Fleetgate stops", STOP_WAIT.toSeconds());
        }
        ServiceHelper.stopService(rollups, ledger);
    }
}
