package io.fleetgate.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Scripted answers waiting for matching requests. Each answer is used once, in order.
 *
 * <p>A script targets a vehicle or an energy site: it matches a request whose path has a segment
 * equal to one of the target's names (the VIN or numeric vehicle id; the site id), and, when it has
 * a path suffix, whose path ends with it. A script with a suffix is more specific and is asked first.
 */
final class ScriptQueue {

    /** What a script points at; {@code names} are the path segments that identify it. */
    record Target(String label, Set<String> names) {
        Target {
            Objects.requireNonNull(label, "label");
            names = Set.copyOf(names);
        }
    }

    private record Key(String target, String pathSuffix) {
    }

    private static final class Script {
        final Target target;
        final String pathSuffix;
        final Deque<ScriptedAnswer> answers = new ArrayDeque<>();

        Script(Target target, String pathSuffix) {
            this.target = target;
            this.pathSuffix = pathSuffix;
        }

        boolean matches(Collection<String> segments, String path) {
            return !answers.isEmpty()
                    && segments.stream().anyMatch(target.names()::contains)
                    && (pathSuffix == null || path.endsWith(pathSuffix));
        }
    }

    private final List<Script> scripts = new ArrayList<>();

    /** Appends answers for the target and suffix (null: any path); returns how many now wait there. */
    synchronized int enqueue(Target target, String pathSuffix, List<ScriptedAnswer> answers) {
        Key key = new Key(target.label(), pathSuffix);
        Script script = scripts.stream()
                .filter(s -> new Key(s.target.label(), s.pathSuffix).equals(key))
                .findFirst()
                .orElseGet(() -> {
                    Script created = new Script(target, pathSuffix);
                    scripts.add(created);
                    return created;
                });
        script.answers.addAll(answers);
        return script.answers.size();
    }

    /** Takes the next answer for this request path, if a script matches it. */
    synchronized Optional<ScriptedAnswer> take(String path) {
        List<String> segments = Arrays.asList(path.split("/"));
        Optional<Script> match = scripts.stream()
                .filter(s -> s.pathSuffix != null && s.matches(segments, path))
                .findFirst()
                .or(() -> scripts.stream().filter(s -> s.pathSuffix == null && s.matches(segments, path)).findFirst());
        return match.map(s -> s.answers.poll());
    }

    synchronized int pending() {
        return scripts.stream().mapToInt(s -> s.answers.size()).sum();
    }

    synchronized void clear() {
        scripts.clear();
    }
}
