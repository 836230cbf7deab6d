package io.fleetgate.app;

import io.fleetgate.account.GatewayToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar fleetgate.jar [--demo] [--hash-token]}.
 * <ul>
 *   <li>no flag: Fleetgate with the settings of application.properties and the environment;</li>
 *   <li>{@code --demo}: also starts the bundled Fleet API simulator and points Fleetgate at it,
 *       with demo accounts (gateway token {@code demo-token});</li>
 *   <li>{@code --hash-token}: reads a gateway token from standard input and prints the SHA-256
 *       that goes into the accounts file (the token itself is never stored).</li>
 * </ul>
 */
public final class FleetgateApp {

    private FleetgateApp() {}

    public static void main(String[] args) throws Exception {
        List<String> flags = Arrays.asList(args);
        if (flags.contains("--hash-token")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String token = in.readLine();
            System.out.println(GatewayToken.hash(token == null ? "" : token.trim()));
            return;
        }
        Map<String, String> overrides = new HashMap<>();
        if (flags.contains("--demo")) {
            DemoMode demo = DemoMode.start();
            overrides.putAll(demo.settings());
            Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-simulator-stop"));
            demo.printWelcome();
        }
        new Fleetgate(overrides).run();
    }
}
