package io.fleetgate.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the JIT's compiler threads {@code fleetgate.jit.compiler-nice} nice levels below the rest of
 * the JVM, for a Fleetgate that has its JVM to itself (the command line). On few cores a start is
 * CPU-bound and the compilers take about 40 % of its CPU, so the start's own work waited behind
 * compiling it; below it, the compilers catch up once the start is done. A process may always
 * lower its own threads' priority, so unlike the JVM's {@code -XX:CompilerThreadPriority} this
 * needs no privilege. Linux only; where {@code renice} or {@code /proc} is missing it does nothing.
 */
final class CompilerPriority extends MainListenerSupport {
    static final String SETTING = "fleetgate.jit.compiler-nice";
    private static final Logger LOG = LoggerFactory.getLogger(CompilerPriority.class);
    /** The kernel's names of HotSpot's C1 and C2 threads ("C2 CompilerThread0", cut to 15 bytes). */
    private static final String COMPILER_THREAD = "CompilerThre";
    private static final Path TASKS = Path.of("/proc/self/task");

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        int increment = Preflight.setting(main.getCamelContext().getPropertiesComponent(), SETTING)
                .map(Integer::parseInt).orElse(0);
        if (increment > 0 && Files.isDirectory(TASKS)) {
            // a process start takes some milliseconds: not on the start's own thread
            Thread.ofPlatform().daemon().name("fleetgate-compiler-priority").start(() -> lower(increment));
        }
    }

    /** Each compiler thread {@code increment} levels below where it is (at most 19). */
    static void lower(int increment) {
        Map<Integer, List<String>> tasksByNice = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                int nice = compilerThreadNice(task);
                if (nice != Integer.MIN_VALUE) {
                    tasksByNice.computeIfAbsent(Math.min(19, nice + increment), n -> new ArrayList<>())
                            .add(task.getFileName().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("compiler threads left at their priority: /proc not readable", e);
            return;
        }
        tasksByNice.forEach((nice, tasks) -> renice(nice, tasks));
    }

    /** The nice value of a compiler thread, or {@code Integer.MIN_VALUE} for any other thread. */
    private static int compilerThreadNice(Path task) throws IOException {
        String stat;
        try {
            stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException ended) {
            return Integer.MIN_VALUE;
        }
        int nameEnd = stat.lastIndexOf(')');
        if (!stat.substring(stat.indexOf('(') + 1, nameEnd).contains(COMPILER_THREAD)) {
            return Integer.MIN_VALUE;
        }
        // after the name: the state is the line's 3rd field, nice its 19th
        return Integer.parseInt(stat.substring(nameEnd + 2).split(" ")[16]);
    }

    private static void renice(int nice, List<String> tasks) {
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        command.addAll(tasks);
        try {
            Process renice = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(10, TimeUnit.SECONDS) || renice.exitValue() != 0) {
                LOG.debug("renice of compiler threads {} did not succeed", tasks);
            }
        } catch (IOException e) {
            LOG.debug("compiler threads left at their priority: no renice", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
