package io.fleetgate.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the JIT's compiler threads {@code fleetgate.jit.compiler-nice} nice levels below the rest
 * of the JVM while Fleetgate starts, and level with it once it is ready, for a Fleetgate that has
 * its JVM to itself (the command line). On few cores a start is CPU-bound and the compilers take
 * about 40 % of its CPU, so the start's own work waited behind compiling it. Afterwards they must
 * not stay below: a Fleetgate loaded to its cores right after its start would starve them, run its
 * code uncompiled and stay loaded (the Kafka path's bench halved its throughput that way). Putting
 * them back needs the right to raise a priority (CAP_SYS_NICE, or a nice limit that allows it), so
 * without that right nothing is changed. Linux only; without {@code renice} or {@code /proc}
 * nothing is changed either.
 */
final class CompilerPriority extends MainListenerSupport {
    static final String SETTING = "fleetgate.jit.compiler-nice";
    private static final Logger LOG = LoggerFactory.getLogger(CompilerPriority.class);
    /** The kernel's names of HotSpot's C1 and C2 threads ("C2 CompilerThread0", cut to 15 bytes). */
    private static final String COMPILER_THREAD = "CompilerThre";
    private static final Path SELF = Path.of("/proc/self");
    private static final int CAP_SYS_NICE = 23;

    private volatile Thread lowering;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        int increment = Preflight.setting(main.getCamelContext().getPropertiesComponent(), SETTING)
                .map(Integer::parseInt).orElse(0);
        if (increment > 0 && Files.isDirectory(SELF.resolve("task")) && mayRaisePriorityTo(processNice())) {
            // a process start takes some milliseconds: not on the start's own thread
            lowering = Thread.ofPlatform().daemon().name("fleetgate-compiler-priority")
                    .start(() -> setCompilerThreads(processNice() + increment));
        }
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        Thread started = lowering;
        if (started != null) {
            lowering = null;
            Thread.ofPlatform().daemon().name("fleetgate-compiler-priority").start(() -> {
                try {
                    started.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                setCompilerThreads(processNice());
            });
        }
    }

    /** Every compiler thread at {@code nice} (at most 19). */
    private static void setCompilerThreads(int nice) {
        List<String> tasks = new ArrayList<>();
        try (Stream<Path> all = Files.list(SELF.resolve("task"))) {
            for (Path task : all.toList()) {
                if (stat(task).filter(stat -> name(stat).contains(COMPILER_THREAD)).isPresent()) {
                    tasks.add(task.getFileName().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("compiler threads left at their priority: /proc not readable", e);
            return;
        }
        int target = Math.min(19, nice);
        if (!tasks.isEmpty() && renice(target, tasks)) {
            LOG.debug("compiler threads {} at nice {}", tasks, target);
        }
    }

    /** Whether this process may set a thread back to {@code nice}: CAP_SYS_NICE, or a nice limit reaching it. */
    static boolean mayRaisePriorityTo(int nice) {
        try {
            for (String line : Files.readAllLines(SELF.resolve("status"))) {
                if (line.startsWith("CapEff:") && (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << CAP_SYS_NICE)) != 0) {
                    return true;
                }
            }
            for (String line : Files.readAllLines(SELF.resolve("limits"))) {
                if (line.startsWith("Max nice priority")) {
                    // the soft limit r lets a thread go down to nice 20 - r
                    String soft = line.substring("Max nice priority".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") || 20 - Integer.parseInt(soft) <= nice;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot tell whether compiler threads could be put back: left alone", e);
        }
        return false;
    }

    /** The nice value of the process (its first thread, which Fleetgate never changes). */
    private static int processNice() {
        return stat(SELF).map(CompilerPriority::nice).orElse(0);
    }

    /** A task's stat line; empty for a thread that ended since the listing, or a /proc that cannot be read. */
    private static Optional<String> stat(Path task) {
        try {
            return Optional.of(Files.readString(task.resolve("stat")));
        } catch (IOException e) {
            // never a reason to fail a start: without it, the compilers are left as they are
            return Optional.empty();
        }
    }

    private static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** After the name: the state is the line's 3rd field, nice its 19th. */
    private static int nice(String stat) {
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    private static boolean renice(int nice, List<String> tasks) {
        // --priority is absolute in every util-linux (-n became relative under POSIXLY_CORRECT)
        List<String> command = new ArrayList<>(List.of("renice", "--priority", Integer.toString(nice), "-p"));
        command.addAll(tasks);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().remove("POSIXLY_CORRECT");
            Process renice = builder.start();
            if (renice.waitFor(10, TimeUnit.SECONDS) && renice.exitValue() == 0) {
                return true;
            }
            LOG.debug("renice of compiler threads {} did not succeed", tasks);
        } catch (IOException e) {
            LOG.debug("compiler threads left at their priority: no renice", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
