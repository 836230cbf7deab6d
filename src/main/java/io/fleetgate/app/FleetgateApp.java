package io.fleetgate.app;

import io.fleetgate.account.GatewayToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar fleetgate.jar [--demo] [--hash-token]}.
 * <ul>
 *   <li>no flag: Fleetgate with the settings of application.properties and the environment;</li>
 *   <li>{@code --demo}: also starts the bundled Fleet API simulator and points Fleetgate at it,
 *       with demo accounts (gateway token {@code demo-token});</li>
 *   <li>{@code --hash-token}: reads a gateway token from standard input and prints the SHA-256
 *       that goes into the accounts file (the token itself is never stored).</li>
 * </ul>
 * A start that cannot succeed prints one line (what failed, what to do) and exits with 1,
 * leaving nothing listening.
 */
public final class FleetgateApp {
    /** How long a failed start may take to close what it had started before the JVM halts. */
    private static final Duration CLOSE_BUDGET = Duration.ofSeconds(4);
    private static final Set<String> FLAGS = Set.of("--demo", "--hash-token");

    private FleetgateApp() {}

    public static void main(String[] args) throws Exception {
        List<String> flags = List.of(args);
        for (String flag : flags) {
            if (!FLAGS.contains(flag)) {
                System.err.println("Fleetgate did not start: unknown option " + flag + " (options: --demo, --hash-token)");
                System.exit(2);
            }
        }
        if (flags.contains("--hash-token")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String token = in.readLine();
            System.out.println(GatewayToken.hash(token == null ? "" : token.trim()));
            return;
        }
        StartupConsole console = StartupConsole.install(FailedStart.showsDetails());
        Fleetgate fleetgate = Fleetgate.forCommandLine(flags.contains("--demo"), console::release);
        try {
            fleetgate.run();
        } catch (Throwable failure) {
            console.release();
            FailedStart.exit(failure, CLOSE_BUDGET, List.of(fleetgate));
        }
    }
}
