package io.fleetgate.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Audit events that found no room in memory while Kafka was away, kept on local disk until Kafka
 * has taken them: a folder of segment files of JSON lines (each line one event's record value,
 * exactly as it goes on the topic), appended in order and read back in the same order. Plain
 * files an operator can read ({@code jq . audit-*.jsonl}) and no library: the journal needs
 * append, a sequential read and a checkpoint, nothing more.
 *
 * <ul>
 *   <li>{@code audit-<seq>-<origin>.jsonl}: a segment; {@code origin} names the Fleetgate run
 *       whose credit totals counted its events (their records carry it, see {@link AuditPublisher}).
 *       Rolled at an eighth of the bound (64 KiB to 16 MiB), deleted once Kafka has acknowledged
 *       all of its events.</li>
 *   <li>{@code checkpoint}: "segment offset since": where the first event Kafka has not
 *       acknowledged starts, and since when (epoch ms) events after it may have been sent (0:
 *       none was). Written to a new file and renamed over the old one, so it is always whole.</li>
 *   <li>{@code .lock}: held by the one Fleetgate that uses the folder.</li>
 * </ul>
 *
 * <p>Bounded: an append that would take the segments past {@code maxBytes} is refused (the caller
 * drops the event and counts it). A write reaches the operating system at once, so a killed
 * process loses nothing of it; the disk at each {@link #sync()} (the fsync interval), so a lost
 * machine loses at most that much. Thread-safe; {@link AuditOutbox} appends and takes entries out
 * under its own lock, so that "is anything waiting here" and "append here" go together.
 */
final class AuditJournal implements AutoCloseable {
    private static final String CHECKPOINT = "checkpoint";
    private static final long MIN_SEGMENT_BYTES = 64 * 1024;
    private static final long MAX_SEGMENT_BYTES = 16 * 1024 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final boolean syncEachAppend;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Oldest first; the last one may be the one appended to. */
    private final List<JournalSegment> segments;
    /** Entries taken out and not yet acknowledged, in the order they were read. */
    private final Deque<Entry> takenOut = new ArrayDeque<>();
    /** Segments up to this one were left by runs before this one, which may have sent some of their events. */
    private final long lastSuspectSeq;
    private final long suspectSince;

    private JournalSegment appending;
    private FileChannel appendChannel;
    private boolean dirty;
    private long totalBytes;
    /** Volatile: the outbox reads it on the request path without waiting for a delete or a read here. */
    private volatile long unread;
    private long waiting;
    /** The start of the first entry Kafka has not acknowledged (a segment that may be gone: then the next one). */
    private long ackedSeq;
    private long ackedOffset;
    private long since;
    private long writtenSince = -1;
    private long writtenSeq = -1;
    private long writtenOffset = -1;

    /** The next line to read: where it starts (a segment that may not exist yet: then the next one). */
    private long readSeq;
    private long readOffset;
    private JournalSegment.Reader reader;
    private boolean closed;

    /** A line taken out to be sent: its record value, where it is, and whose run counted it. */
    static final class Entry {
        private final byte[] value;
        private final JournalSegment segment;
        private final long start;
        private final boolean suspect;
        private boolean acknowledged;

        private Entry(byte[] value, JournalSegment segment, long start, boolean suspect) {
            this.value = value;
            this.segment = segment;
            this.start = start;
            this.suspect = suspect;
        }

        byte[] value() {
            return value;
        }

        /** The Fleetgate run that wrote it, and counted it in its credit totals. */
        String origin() {
            return segment.origin;
        }

        /** Left by an earlier run that may have sent it before it stopped: look for it on the topic first. */
        boolean suspect() {
            return suspect;
        }
    }

    /**
     * Opens the folder (creating it), takes its lock, and finds what earlier runs left: every
     * line after the checkpoint waits to be sent.
     *
     * @param fsyncIntervalMillis how often the caller calls {@link #sync()}; 0: every append is synced
     * @throws IllegalStateException when another process holds the folder, or it cannot be used
     */
    static AuditJournal open(Path dir, long maxBytes, long fsyncIntervalMillis, Clock clock) {
        try {
            return new AuditJournal(dir, maxBytes, fsyncIntervalMillis, clock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the audit journal folder " + dir.toAbsolutePath() + ": " + e, e);
        }
    }

    private AuditJournal(Path dir, long maxBytes, long fsyncIntervalMillis, Clock clock) throws IOException {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("the audit journal holds at least 1024 bytes, not " + maxBytes);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxBytes / 8));
        this.syncEachAppend = fsyncIntervalMillis <= 0;
        this.clock = clock;
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock taken;
        try {
            taken = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException inThisProcess) {
            taken = null;
        }
        if (taken == null) {
            lockChannel.close();
            throw new IllegalStateException("the audit journal folder " + dir.toAbsolutePath()
                    + " is in use by another Fleetgate; give each its own (fleetgate.audit.journal-dir)");
        }
        lock = taken;
        segments = JournalSegment.list(dir);
        readCheckpoint();
        // acknowledged before the last run stopped, between its checkpoint and the delete
        while (!segments.isEmpty() && segments.get(0).seq < ackedSeq) {
            Files.deleteIfExists(segments.remove(0).path);
        }
        if (segments.isEmpty() || segments.get(0).seq > ackedSeq) {
            ackedOffset = 0;
        }
        for (JournalSegment segment : segments) {
            totalBytes += segment.size;
            unread += segment.lines(segment.seq == ackedSeq ? ackedOffset : 0);
        }
        waiting = unread;
        lastSuspectSeq = since != 0 && unread > 0 ? segments.get(segments.size() - 1).seq : -1;
        suspectSince = lastSuspectSeq >= 0 ? since : 0;
        readSeq = ackedSeq;
        readOffset = ackedOffset;
    }

    /** Appends one event's record value, or refuses it (false) when the journal is full. */
    synchronized boolean append(byte[] value, String origin) {
        long needed = value.length + 1L;
        if (closed || totalBytes + needed > maxBytes) {
            return false;
        }
        try {
            if (appending == null || !appending.origin.equals(origin) || appending.size > 0 && appending.size + needed > segmentBytes) {
                roll(origin);
            }
            ByteBuffer line = ByteBuffer.allocate(value.length + 1).put(value).put((byte) '\n').flip();
            long position = appending.size;
            while (line.hasRemaining()) {
                position += appendChannel.write(line, position);
            }
            if (syncEachAppend) {
                appendChannel.force(false);
            } else {
                dirty = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit journal in " + dir.toAbsolutePath(), e);
        }
        appending.size += needed;
        totalBytes += needed;
        unread++;
        waiting++;
        return true;
    }

    /** Entries appended and not taken out yet: while there are, newer events come here too, behind them. */
    long unread() {
        return unread;
    }

    /** Entries Kafka has not acknowledged yet (taken out or not). */
    synchronized long waiting() {
        return waiting;
    }

    /** Bytes of the segment files on disk. */
    synchronized long bytes() {
        return totalBytes;
    }

    /** Since when entries left by earlier runs may have been sent (epoch ms); 0 when none may have. */
    long suspectSince() {
        return suspectSince;
    }

    /**
     * The next entry to send, or null when none is unread. Before the first of a run of entries
     * goes out, the checkpoint says "sent since now", so a run killed before their
     * acknowledgements knows to look for them on the topic.
     */
    synchronized Entry next() {
        if (unread == 0 || closed) {
            return null;
        }
        try {
            for (JournalSegment segment : segments) {
                if (segment.seq < readSeq) {
                    continue;
                }
                if (segment.seq > readSeq) {
                    closeReader();
                    readSeq = segment.seq;
                    readOffset = 0;
                }
                if (reader == null) {
                    reader = new JournalSegment.Reader(segment);
                }
                long start = readOffset;
                byte[] line = reader.lineAt(start);
                if (line != null) {
                    readOffset = start + line.length + 1;
                    unread--;
                    if (since == 0) {
                        since = clock.millis();
                    }
                    if (writtenSince <= 0) {
                        writeCheckpoint();
                    }
                    Entry entry = new Entry(line, segment, start, segment.seq <= lastSuspectSeq);
                    takenOut.add(entry);
                    return entry;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit journal in " + dir.toAbsolutePath(), e);
        }
        unread = 0; // cannot be: every counted line is whole
        return null;
    }

    /** Kafka has the entry: once every entry before it is acknowledged too, the checkpoint moves past it. */
    synchronized void acknowledge(Entry entry) {
        entry.acknowledged = true;
        while (!takenOut.isEmpty() && takenOut.peekFirst().acknowledged) {
            takenOut.pollFirst();
            waiting--;
        }
        if (takenOut.isEmpty()) {
            ackedSeq = readSeq;
            ackedOffset = readOffset;
            since = 0;
        } else {
            ackedSeq = takenOut.peekFirst().segment.seq;
            ackedOffset = takenOut.peekFirst().start;
        }
        deleteAcknowledgedSegments();
    }

    /**
     * Events that may have reached Kafka at {@code sentAt} were appended again (sends that had no
     * answer when Fleetgate stopped): the next run looks for them on the topic before sending.
     */
    synchronized void mayHaveBeenSent(long sentAt) {
        since = since == 0 ? sentAt : Math.min(since, sentAt);
        writeCheckpoint();
    }

    /** Writes the checkpoint when it changed; the caller decides how often. */
    synchronized void checkpoint() {
        if (!closed && (since != writtenSince || ackedSeq != writtenSeq || ackedOffset != writtenOffset)) {
            writeCheckpoint();
        }
    }

    /** Flushes what was appended to the disk (the fsync of the fsync interval). */
    void sync() {
        FileChannel channel;
        synchronized (this) {
            if (!dirty || appendChannel == null) {
                return;
            }
            dirty = false;
            channel = appendChannel;
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            // closed by a roll meanwhile (which forced it), or the disk failed: the next append says so
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            if (appendChannel != null) {
                appendChannel.force(false);
                appendChannel.close();
            }
            closeReader();
            writeCheckpoint();
        } catch (IOException | UncheckedIOException e) {
            // the last checkpoint written stands: at worst entries are looked for on the topic again
        } finally {
            closed = true;
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException ignored) {
                // released with the process anyway
            }
        }
    }

    Path dir() {
        return dir;
    }

    private void roll(String origin) throws IOException {
        if (appendChannel != null) {
            appendChannel.force(false);
            appendChannel.close();
            dirty = false;
        }
        long seq = Math.max(segments.isEmpty() ? 0 : segments.get(segments.size() - 1).seq + 1, readSeq);
        appending = JournalSegment.create(dir, seq, origin);
        appendChannel = FileChannel.open(appending.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.add(appending);
    }

    private void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    /** Segments whose every entry Kafka has acknowledged go, the one appended to as well: the journal is empty again. */
    private void deleteAcknowledgedSegments() {
        while (!segments.isEmpty()) {
            JournalSegment head = segments.get(0);
            boolean done = head.seq < ackedSeq || head.seq == ackedSeq && ackedOffset >= head.size;
            if (!done) {
                return;
            }
            try {
                if (head.seq == readSeq) {
                    closeReader();
                }
                if (head == appending) {
                    appendChannel.close();
                    appendChannel = null;
                    appending = null;
                    dirty = false;
                }
                Files.deleteIfExists(head.path);
            } catch (IOException e) {
                return; // tried again at the next acknowledgement
            }
            segments.remove(0);
            totalBytes -= head.size;
            if (head.seq == ackedSeq) {
                ackedSeq = head.seq + 1;
                ackedOffset = 0;
            }
            if (head.seq == readSeq) {
                readSeq = head.seq + 1;
                readOffset = 0;
            }
        }
    }

    private void readCheckpoint() throws IOException {
        Path file = dir.resolve(CHECKPOINT);
        if (!Files.exists(file)) {
            return;
        }
        try {
            String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split("\\s+");
            ackedSeq = Long.parseLong(parts[0]);
            ackedOffset = Long.parseLong(parts[1]);
            since = Long.parseLong(parts[2]);
        } catch (RuntimeException unreadable) {
            // every line is sent again, after a look at the whole topic for those already there
            ackedSeq = 0;
            ackedOffset = 0;
            since = 1;
        }
    }

    private void writeCheckpoint() {
        Path tmp = dir.resolve(CHECKPOINT + ".tmp");
        try {
            Files.writeString(tmp, ackedSeq + " " + ackedOffset + " " + since + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, dir.resolve(CHECKPOINT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit journal's checkpoint in " + dir.toAbsolutePath(), e);
        }
        writtenSince = since;
        writtenSeq = ackedSeq;
        writtenOffset = ackedOffset;
    }
}
