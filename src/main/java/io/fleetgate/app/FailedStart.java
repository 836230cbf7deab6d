package io.fleetgate.app;

import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a start that cannot succeed: closes what was started (within a bound), prints one line
 * saying what failed and what to do, and ends the JVM with exit code 1. The stack trace goes to
 * the debug log only ({@code -Dorg.slf4j.simpleLogger.log.io.fleetgate.app.FailedStart=debug}).
 */
final class FailedStart {
    private static final Logger LOG = LoggerFactory.getLogger(FailedStart.class);
    private static final int MAX_LENGTH = 500;
    private static final Pattern ROUTE_SOURCE = Pattern.compile("\\(source: ([^)]+)\\)");

    private FailedStart() {}

    /** Whether the details are asked for: then the console shows everything, stack traces included. */
    static boolean showsDetails() {
        return LOG.isDebugEnabled();
    }

    /** Never returns. */
    static void exit(Throwable failure, Duration closeBudget, List<? extends AutoCloseable> started) {
        LOG.debug("start failed", failure);
        Thread closer = Thread.ofPlatform().daemon().name("fleetgate-failed-start-close").start(() -> {
            for (AutoCloseable service : started) {
                try {
                    service.close();
                } catch (Throwable e) {
                    LOG.debug("closing {} after a failed start", service, e);
                }
            }
        });
        try {
            closer.join(closeBudget);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.flush();
        System.err.println("Fleetgate did not start: " + describe(failure));
        System.err.flush();
        // halt, not exit: Camel Main's shutdown hook would wait up to a minute for a context that never
        // started, and whatever did not close within the budget holds no port once the process is gone
        Runtime.getRuntime().halt(1);
    }

    /**
     * One line an operator can act on: the message of a {@link StartupFailure}, else the route
     * that cannot start and why, else the message Fleetgate's own code gave, else a taken port,
     * else the innermost cause's message.
     */
    static String describe(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof StartupFailure) {
                return oneLine(t.getMessage());
            }
        }
        for (Throwable t : chain) {
            String routeId = t instanceof FailedToStartRouteException started ? started.getRouteId()
                    : t instanceof FailedToCreateRouteException created ? created.getRouteId() : null;
            if (routeId != null) {
                Matcher source = ROUTE_SOURCE.matcher(String.valueOf(t.getMessage()));
                return oneLine("route " + routeId + (source.find() ? " (" + source.group(1) + ")" : "") + " cannot start: "
                        + innermost(chain) + "; correct the route or the settings it uses");
            }
        }
        for (Throwable t : chain) {
            if (thrownByFleetgate(t) && t.getMessage() != null) {
                Throwable root = chain.getLast();
                String message = t.getMessage();
                if (root != t && root.getMessage() != null && !message.contains(root.getMessage())) {
                    message += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
                }
                return oneLine(message);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof BindException) {
                return oneLine("a port Fleetgate listens on is already in use (" + t.getMessage() + "): stop what holds it,"
                        + " or choose free ports with camel.server.port, camel.management.port, fleetgate.kafka.embedded.port"
                        + " and fleetgate.demo.simulator-port");
            }
        }
        return oneLine(innermost(chain)) + " (the details: -Dorg.slf4j.simpleLogger.log.io.fleetgate.app.FailedStart=debug)";
    }

    private static String innermost(List<Throwable> chain) {
        Throwable root = chain.getLast();
        return root.getMessage() == null ? root.getClass().getName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < 50 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static boolean thrownByFleetgate(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith("io.fleetgate.");
    }

    private static String oneLine(String message) {
        String line = message == null ? "" : message.replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH) + "...";
    }
}
