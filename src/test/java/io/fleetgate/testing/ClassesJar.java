package io.fleetgate.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** A folder of classes (e.g. target/classes) packed as a jar, as the tests run before the package phase. */
public final class ClassesJar {
    private ClassesJar() {
    }

    /**
     * This build's {@code target/classes} (null when the classpath has none, e.g. an IDE's) and the
     * library jars, in classpath order, from the test JVM's classpath.
     */
    public record BuildClasspath(Path classes, List<Path> libraries) {
        public static BuildClasspath ofTestJvm() {
            Path classes = null;
            List<Path> libraries = new ArrayList<>();
            for (String entry : FleetgateProcess.classpath().split(File.pathSeparator)) {
                Path path = Path.of(entry).toAbsolutePath();
                if (path.endsWith(Path.of("target", "classes"))) {
                    classes = path;
                } else if (entry.endsWith(".jar")) {
                    libraries.add(path);
                }
            }
            return new BuildClasspath(classes, List.copyOf(libraries));
        }
    }

    /** A manifest with its version and nothing else. */
    public static Manifest manifest() {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        return manifest;
    }

    /**
     * {@code root}'s files at {@code jar}, directories with entries too (the routes are found by
     * listing classpath:routes/); written beside it first, so no one reads half of it.
     */
    public static void write(Path root, Path jar, Manifest manifest) throws IOException {
        Files.createDirectories(jar.getParent());
        Path partial = jar.resolveSibling(jar.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        try (OutputStream file = Files.newOutputStream(partial); JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> files = Files.walk(root)) {
            for (Path path : files.filter(p -> !p.equals(root)).sorted().toList()) {
                String name = root.relativize(path).toString().replace(File.separatorChar, '/');
                boolean directory = Files.isDirectory(path);
                out.putNextEntry(new JarEntry(directory ? name + "/" : name));
                if (!directory) {
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
        Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
