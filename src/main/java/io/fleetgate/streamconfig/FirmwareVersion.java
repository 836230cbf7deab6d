package io.fleetgate.streamconfig;

/** Tesla firmware versions ({@code 2024.44.25.3}) compared by their numeric parts. */
final class FirmwareVersion {
    private FirmwareVersion() {}

    /** Whether {@code version} is {@code minimum} or later: 2024.44.25.3 is at least 2024.26; 2024.8 is not. */
    static boolean atLeast(String version, String minimum) {
        String[] have = version.trim().split("[.\\s]+");
        String[] need = minimum.trim().split("\\.");
        for (int i = 0; i < need.length; i++) {
            long a = i < have.length ? number(have[i]) : 0;
            long b = number(need[i]);
            if (a != b) {
                return a > b;
            }
        }
        return true;
    }

    private static long number(String part) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }
}
