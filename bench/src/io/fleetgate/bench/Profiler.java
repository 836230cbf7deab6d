package io.fleetgate.bench;

import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * async-profiler (Maven {@code tools.profiler:async-profiler}, which carries the native library)
 * attached to a Fleetgate process for one section's measured phase: CPU and allocation samples in
 * one JFR recording, drawn as two flame graphs ({@code bench/results/profiles/<section>-cpu.html},
 * {@code -alloc.html}) by {@code tools.profiler:jfr-converter}. {@code bench/run --profile} fetches
 * both and sets {@code bench.profiler.lib} and {@code bench.profiler.converter}.
 */
final class Profiler {
    /** One allocation sample per 512 KB allocated: cheap enough to leave the measured numbers alone. */
    private static final String EVENTS = "event=cpu,alloc=512k";

    private final Path lib;
    private final Path converter;
    private final Path work;
    private final Path out;
    final Map<String, Object> written = new LinkedHashMap<>();

    private Profiler(Path lib, Path converter, Path work, Path out) {
        this.lib = lib;
        this.converter = converter;
        this.work = work;
        this.out = out;
    }

    /** The profiler when {@code --profile} asked for it, else null. */
    static Profiler fromSettings(Path work, Path results) {
        String lib = System.getProperty("bench.profiler.lib", "");
        String converter = System.getProperty("bench.profiler.converter", "");
        if (lib.isBlank() || converter.isBlank()) {
            return null;
        }
        return new Profiler(Path.of(lib), Path.of(converter), work, results.resolve("profiles"));
    }

    /** JVM options every profiled Fleetgate gets: attach without a warning, samples between safepoints. */
    static List<String> jvmOptions() {
        return List.of("-XX:+EnableDynamicAgentLoading", "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints");
    }

    /** JVM options that profile a Fleetgate from its first instruction (start-up); {@link #stop} ends it. */
    List<String> fromLaunch(String section) {
        return List.of("-agentpath:" + lib + "=start," + EVENTS + ",file=" + recording(section));
    }

    /** Starts sampling the process; closing the result stops it and draws the flame graphs. */
    AutoCloseable profile(long pid, String section) throws Exception {
        command(pid, "start," + EVENTS + ",file=" + recording(section));
        return () -> stop(pid, section);
    }

    void stop(long pid, String section) throws Exception {
        command(pid, "stop,file=" + recording(section));
        Files.createDirectories(out);
        List<String> graphs = new ArrayList<>();
        for (String kind : List.of("cpu", "alloc")) {
            Path html = out.resolve(section + "-" + kind + ".html");
            Process convert = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", converter.toString(), "--" + kind, "--title", "Fleetgate " + section + " (" + kind + ")",
                    recording(section).toString(), html.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("jfrconv-" + section + "-" + kind + ".log").toFile()).start();
            if (convert.waitFor(120, TimeUnit.SECONDS) && convert.exitValue() == 0 && Files.isRegularFile(html)) {
                graphs.add(out.getParent().relativize(html).toString());
            } else {
                convert.destroyForcibly();
                Bench.say("%s %s flame graph not drawn; see %s", section, kind, work.resolve("jfrconv-" + section + "-" + kind + ".log"));
            }
        }
        written.put(section, graphs);
        Bench.say("%s profiled: %s", section, graphs);
    }

    private Path recording(String section) {
        return work.resolve("profile-" + section + ".jfr");
    }

    /** The agent takes commands as arguments of a repeated load, as async-profiler's own launcher does. */
    private void command(long pid, String arguments) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            vm.loadAgentPath(lib.toString(), arguments);
        } finally {
            vm.detach();
        }
    }
}
