package io.fleetgate.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the routes' bulkheads (CONTRACT section 9: REST commands waiting, energy commands and
 * reads in flight) need besides their own options: a circuit breaker that never opens, since a
 * bulkhead is an option of the {@code circuitBreaker} EIP and only the region's breaker may refuse
 * for the host's health; and the registry the EIP (and {@link InFlightLimit}) makes bulkheads in,
 * so refusals are counted per bulkhead (named after the EIP's id) and its calls in flight can be read.
 */
public final class Bulkheads {
    /** The bean name of the breaker that never opens, as the bulkhead EIPs reference it. */
    public static final String NEVER_OPENS = "bulkheadOnly";

    private final BulkheadRegistry registry = BulkheadRegistry.ofDefaults();
    private final CircuitBreaker neverOpens;
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final List<Consumer<String>> onNewBulkhead = new CopyOnWriteArrayList<>();

    public Bulkheads() {
        neverOpens = CircuitBreaker.of(NEVER_OPENS, CircuitBreakerConfig.ofDefaults());
        // DISABLED: every call is permitted and nothing is recorded, whatever it answers
        neverOpens.transitionToDisabledState();
        // the EIP makes its bulkhead when its route starts (again after a restart of the route)
        registry.getEventPublisher().onEntryAdded(added -> watch(added.getAddedEntry()));
    }

    /** The registry camel-resilience4j makes the EIPs' bulkheads in (bound as the only one). */
    public BulkheadRegistry registry() {
        return registry;
    }

    public CircuitBreaker neverOpens() {
        return neverOpens;
    }

    /** Calls {@code consumer} with the name of every bulkhead, now and when one is made later. */
    public void forEachBulkhead(Consumer<String> consumer) {
        onNewBulkhead.add(consumer);
        refusals.keySet().forEach(consumer);
    }

    /** Calls the named bulkhead refused because it was full. */
    public long refusals(String name) {
        LongAdder count = refusals.get(name);
        return count == null ? 0 : count.sum();
    }

    /** Calls the named bulkhead holds right now. */
    public int active(String name) {
        return registry.find(name)
                .map(b -> b.getBulkheadConfig().getMaxConcurrentCalls() - b.getMetrics().getAvailableConcurrentCalls())
                .orElse(0);
    }

    private void watch(Bulkhead bulkhead) {
        String name = bulkhead.getName();
        boolean first = refusals.putIfAbsent(name, new LongAdder()) == null;
        LongAdder count = refusals.get(name);
        bulkhead.getEventPublisher().onCallRejected(rejected -> count.increment());
        if (first) {
            onNewBulkhead.forEach(consumer -> consumer.accept(name));
        }
    }
}
