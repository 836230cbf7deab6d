package io.fleetgate.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The nice values of another process's threads, from /proc. */
final class ThreadNice {
    private ThreadNice() {}

    /** The nice value of each thread of process {@code pid}, by the kernel's thread name (the first of a name). */
    static Map<String, Integer> byThread(long pid) throws IOException {
        Map<String, Integer> nice = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException ended) {
                    continue; // a thread that ended since the listing
                }
                // the fields after the name: state is the 3rd of the line, nice the 19th
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                nice.putIfAbsent(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), Integer.parseInt(after[16]));
            }
        }
        return nice;
    }
}
