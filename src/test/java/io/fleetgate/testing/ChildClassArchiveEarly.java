package io.fleetgate.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The whole suite's test JVMs start recording the child class archive as they begin, not at their
 * first Fleetgate process minutes later, so the dozens of children that follow all map it. A run of
 * chosen tests ({@code -Dtest=...}) records at its first child instead: it may start none.
 */
public final class ChildClassArchiveEarly implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        // Maven passes "${test}" as written when no -Dtest was given
        String selection = System.getProperty("fleetgate.test.selection", "");
        if (selection.isBlank() || selection.startsWith("${")) {
            ChildClassArchive.forThisBuild().ifPresent(ChildClassArchive::thereElseRecord);
        }
    }
}
