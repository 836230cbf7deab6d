package io.fleetgate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A class-data-sharing archive for the Fleetgate processes tests start: a child JVM that maps one
 * loads and links its ~15,000 classes in about half the CPU (4 s less of a ~9 s start on 2 cores),
 * and the suite starts dozens. The first test JVM that starts a child while there is none records
 * one ({@code -XX:ArchiveClassesAtExit}) with a demo Fleetgate of its own in the background;
 * children started meanwhile run without.
 *
 * <p>CDS archives classes from jars only, so children run {@code target/classes} packed as a jar
 * (made once per build, in {@code target/child-class-archive/<fingerprint>/}) and the library jars
 * of the test classpath; the fingerprint covers the classes, the libraries and the JDK, so a rebuild
 * or another JDK gets an archive of its own. Test JVMs running at once share it under a file lock.
 */
final class ChildClassArchive {
    // the JVM's CDS warnings (classes it cannot archive) would be lines on the child's console
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    private static ChildClassArchive instance;

    private final Path folder;
    private final Path archive;
    private final Path recorder;
    private final String classpath;

    private ChildClassArchive(Path folder, String classpath) {
        this.folder = folder;
        this.archive = folder.resolve("classes.jsa");
        this.recorder = folder.resolve("recorder");
        this.classpath = classpath;
    }

    /** This build's archive, or empty when the test classpath has no {@code target/classes} (e.g. an IDE's). */
    static synchronized Optional<ChildClassArchive> forThisBuild() {
        if (instance == null) {
            ClassesJar.BuildClasspath build = ClassesJar.BuildClasspath.ofTestJvm();
            Path classes = build.classes();
            List<Path> libraries = build.libraries();
            if (classes == null) {
                return Optional.empty();
            }
            Path folder = classes.resolveSibling("child-class-archive").resolve(fingerprint(classes, libraries));
            Path jar = folder.resolve("classes.jar");
            List<String> entries = new ArrayList<>();
            entries.add(jar.toString());
            libraries.forEach(library -> entries.add(library.toString()));
            instance = new ChildClassArchive(folder, String.join(File.pathSeparator, entries));
            instance.locked(() -> {
                if (!Files.isRegularFile(jar)) {
                    ClassesJar.write(classes, jar, ClassesJar.manifest());
                    forgetOtherBuilds(folder);
                }
                return null;
            });
        }
        return Optional.of(instance);
    }

    /** The classpath a child runs with: the classes jar, then the libraries, always in this order. */
    String classpath() {
        return classpath;
    }

    /** The JVM options for the next child: the archive's once it is there ({@link #thereElseRecord()}). */
    List<String> nextStartOptions() {
        List<String> options = new ArrayList<>(QUIET);
        if (thereElseRecord()) {
            options.add("-XX:SharedArchiveFile=" + archive);
        }
        return options;
    }

    /**
     * Whether the archive is there. When not, the first test JVM to ask records it in the
     * background: a demo Fleetgate of its own, stopped once ready, so no test's child is slowed or
     * has its end changed.
     */
    boolean thereElseRecord() {
        return locked(() -> {
            if (Files.isRegularFile(archive)) {
                return true;
            }
            if (!Files.isRegularFile(recorder) || !testJvmAlive(Files.readString(recorder).trim())) {
                Files.writeString(recorder, Long.toString(ProcessHandle.current().pid()));
                forgetRecordings(); // left by test JVMs that ended while recording
                Thread.ofPlatform().daemon().name("child-class-archive").start(this::record);
            }
            return false;
        });
    }

    /** Runs a demo Fleetgate that writes the archive when stopped; a failure leaves this test JVM's turn taken. */
    private void record() {
        Path recording = folder.resolve("classes.jsa." + ProcessHandle.current().pid() + ".recording");
        try (FleetgateProcess demo = FleetgateProcess.builder().arg("--demo").jvmOptions(QUIET)
                .jvmOption("-XX:ArchiveClassesAtExit=" + recording).recording().start()) {
            demo.awaitReady(Duration.ofMinutes(2));
            demo.stop();
            locked(() -> {
                if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
                    Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
                    Files.deleteIfExists(recorder);
                }
                return null;
            });
        } catch (RuntimeException e) {
            // children go on without; the next test run tries again
        } finally {
            try {
                Files.deleteIfExists(recording);
            } catch (IOException ignored) {
                // a leftover recording is harmless: names carry the test JVM's pid
            }
        }
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    // synchronized as well: a JVM may hold one lock on a file at a time, and its threads take turns
    private synchronized <T> T locked(Locked<T> work) {
        try {
            Files.createDirectories(folder);
            try (FileChannel lockFile = FileChannel.open(folder.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                return work.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the child class archive in " + folder, e);
        }
    }

    /** Earlier builds' jars and archives (about 100 MB each): a new build no longer uses them. */
    private static void forgetOtherBuilds(Path folder) throws IOException {
        try (Stream<Path> builds = Files.list(folder.getParent())) {
            builds.filter(build -> !build.equals(folder)).forEach(GatewayHarness::deleteQuietly);
        }
    }

    private void forgetRecordings() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".recording")).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A recorder whose test JVM is gone (killed before its child ended) no longer holds the turn. */
    private static boolean testJvmAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String fingerprint(Path classes, List<Path> libraries) {
        try (Stream<Path> files = Files.walk(classes)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
            for (Path path : Stream.concat(files.filter(Files::isRegularFile).sorted(), libraries.stream()).toList()) {
                String line = path + " " + Files.size(path) + " " + Files.getLastModifiedTime(path).toMillis() + "\n";
                digest.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + classes, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
