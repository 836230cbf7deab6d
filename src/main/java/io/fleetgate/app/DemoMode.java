package io.fleetgate.app;

import java.util.Map;

final class DemoMode implements AutoCloseable {
    static DemoMode start() { throw new UnsupportedOperationException("pending simulator"); }
    Map<String, String> settings() { return Map.of(); }
    void printWelcome() {}
    @Override public void close() {}
}
