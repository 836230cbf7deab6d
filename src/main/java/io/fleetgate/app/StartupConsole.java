package io.fleetgate.app;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The console while {@code java -jar} starts: stack traces stay off it, and so does Camel's own
 * report of a context that failed to start, because {@link FailedStart} says what failed in one
 * line (and, with its logger at debug, in full: then nothing is held back). Once Fleetgate is
 * ready the console is what it was.
 */
final class StartupConsole extends OutputStream {
    /** A stack trace's lines: the exception's class and message, its frames, its causes. */
    private static final Pattern TRACE = Pattern.compile(
            "\\s+at \\S.*|\\s*\\.\\.\\. \\d+ (more|common frames omitted)|\\s*(Caused by|Suppressed): .*"
                    + "|([a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error|Throwable|Failure)(: .*)?");
    private static final String CAMEL_START_FAILED = "org.apache.camel.impl.engine.AbstractCamelContext - Error starting CamelContext";

    private final PrintStream console;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private PrintStream installed;

    private StartupConsole(PrintStream console) {
        this.console = console;
    }

    /** Filters {@code System.err} (where slf4j-simple writes) until {@link #release()}. */
    static StartupConsole install(boolean showEverything) {
        StartupConsole filter = new StartupConsole(System.err);
        if (!showEverything) {
            filter.installed = new PrintStream(filter, true, StandardCharsets.UTF_8);
            System.setErr(filter.installed);
        }
        return filter;
    }

    /** Back to the plain console; what is held of an unfinished line is written. */
    synchronized void release() {
        if (installed != null && System.err == installed) {
            System.setErr(console);
        }
        installed = null;
        if (line.size() > 0) {
            console.write(line.toByteArray(), 0, line.size());
            line.reset();
        }
        console.flush();
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
            if (!TRACE.matcher(text).matches() && !text.contains(CAMEL_START_FAILED)) {
                console.write(line.toByteArray(), 0, line.size());
            }
            line.reset();
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    @Override
    public synchronized void flush() {
        console.flush();
    }
}
