package io.fleetgate.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One file of the {@link AuditJournal}: {@code audit-<seq>-<origin>.jsonl}, whole lines only, its
 * {@code size} what has been written of it. The journal appends to one segment at a time; a
 * {@link Reader} reads the lines back from any offset.
 */
final class JournalSegment {
    private static final Pattern NAME = Pattern.compile("audit-(\\d{12})-([A-Za-z0-9-]+)\\.jsonl");
    private static final int CHUNK = 64 * 1024;

    final long seq;
    /** The Fleetgate run that wrote the segment's events (and counted them in its credit totals). */
    final String origin;
    final Path path;
    long size;

    private JournalSegment(long seq, String origin, Path path, long size) {
        this.seq = seq;
        this.origin = origin;
        this.path = path;
        this.size = size;
    }

    /** A new, empty segment's file (it must not exist yet). */
    static JournalSegment create(Path dir, long seq, String origin) {
        return new JournalSegment(seq, origin, dir.resolve(String.format("audit-%012d-%s.jsonl", seq, origin)), 0);
    }

    /**
     * The segments in the folder, oldest first; a last line without its newline (torn by a crash
     * in the middle of a write) is cut off, so every segment holds whole lines.
     */
    static List<JournalSegment> list(Path dir) throws IOException {
        List<JournalSegment> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    segments.add(new JournalSegment(Long.parseLong(m.group(1)), m.group(2), file, wholeLines(file)));
                }
            }
        }
        return segments;
    }

    /** Lines from the offset to the end. */
    long lines(long from) throws IOException {
        long count = 0;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long position = from;
            while (position < size) {
                buffer.clear();
                buffer.limit((int) Math.min(CHUNK, size - position));
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buffer.get(i) == '\n') {
                        count++;
                    }
                }
                position += n;
            }
        }
        return count;
    }

    private static long wholeLines(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long end = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                channel.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                channel.truncate(end);
            }
            return end;
        }
    }

    /** Reads a segment's lines, a chunk of the file at a time. */
    static final class Reader implements AutoCloseable {
        private final JournalSegment segment;
        private FileChannel channel;
        private byte[] chunk = new byte[CHUNK];
        private long chunkStart;
        private int chunkLength;

        Reader(JournalSegment segment) {
            this.segment = segment;
        }

        JournalSegment segment() {
            return segment;
        }

        /** The line starting at the offset, without its newline; null when no whole line is written there. */
        byte[] lineAt(long offset) throws IOException {
            while (offset < segment.size) {
                long from = offset - chunkStart;
                if (from >= 0 && from <= chunkLength) {
                    for (int i = (int) from; i < chunkLength; i++) {
                        if (chunk[i] == '\n') {
                            return Arrays.copyOfRange(chunk, (int) from, i);
                        }
                    }
                    if (chunkStart + chunkLength >= segment.size) {
                        return null;
                    }
                    if (from == 0 && chunkLength == chunk.length) {
                        chunk = Arrays.copyOf(chunk, chunk.length * 2); // a line longer than a chunk
                    }
                }
                fill(offset);
            }
            return null;
        }

        private void fill(long offset) throws IOException {
            if (channel == null) {
                channel = FileChannel.open(segment.path, StandardOpenOption.READ);
            }
            ByteBuffer into = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, segment.size - offset));
            long position = offset;
            while (into.hasRemaining()) {
                int n = channel.read(into, position);
                if (n < 0) {
                    break;
                }
                position += n;
            }
            chunkStart = offset;
            chunkLength = into.position();
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }
}
