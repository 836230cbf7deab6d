package io.fleetgate.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a process to listen on later, from below the kernel's ephemeral range. A port the
 * kernel handed out by binding port 0 is in that range, and between the test choosing it and a
 * child JVM binding it seconds later, any outgoing connection can be given it as its local port
 * (a CI run lost a start that way). Ports below the range are only ever taken by an explicit bind.
 */
public final class FreePorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    /** Handed out by this JVM: a port chosen but not yet bound is not chosen again. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int next() {
        int below = ephemeralLow();
        if (below - LOWEST < 1_000) {
            return anyFree(); // no room below the range here: the kernel's choice
        }
        // the suite's JVMs each take a slice of their own (surefire's fork number), so two of them
        // never hand out the same port while neither has bound it yet (a CI run lost a start so)
        int forks = Integer.getInteger("fleetgate.test.forks", 1);
        int fork = Integer.getInteger("fleetgate.test.fork", 1);
        int width = (below - LOWEST) / Math.max(1, forks);
        int low = fork >= 1 && fork <= forks ? LOWEST + (fork - 1) * width : LOWEST;
        int high = fork >= 1 && fork <= forks ? low + width : below;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int tries = 0; tries < 1_000; tries++) {
            int port = random.nextInt(low, high);
            if (GIVEN.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + low + " and " + high);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int ephemeralLow() {
        try {
            // readAllLines: readString trusts the size procfs reports, and read one character here
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).getFirst().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return 32_768; // Linux's default
        }
    }
}
