package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * An SSE client on a plain socket, reading as Teslemetry's clients do: lines, blocks split by a
 * blank line, {@code id:} and {@code data:} fields, {@code :} comments. Its reader is a thread of
 * the test's; {@link #close()} closes the socket, which the server sees as the client leaving.
 */
final class SseClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event: its {@code id:} and its {@code data:} line as JSON. */
    record Event(String id, String data) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("data line is not JSON: " + data, e);
            }
        }
    }

    private final Socket socket;
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    /** The body of an answer that is not a stream. */
    String body;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    /** Every line of the stream as read, blank ones too. */
    final List<String> lines = new CopyOnWriteArrayList<>();
    volatile boolean ended;

    private SseClient(Socket socket, int status) {
        this.socket = socket;
        this.status = status;
    }

    static SseClient connect(int port, String target, Map<String, String> requestHeaders) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n");
        requestHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("Connection: close\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
        String statusLine = readLine(in);
        SseClient client = new SseClient(socket, Integer.parseInt(statusLine.split(" ")[1]));
        for (String line; !(line = readLine(in)).isEmpty(); ) {
            int colon = line.indexOf(':');
            client.headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        InputStream body = "chunked".equalsIgnoreCase(client.headers.get("transfer-encoding")) ? new Chunked(in) : in;
        if (client.status != 200) {
            client.body = new String(client.headers.containsKey("content-length")
                    ? body.readNBytes(Integer.parseInt(client.headers.get("content-length"))) : body.readAllBytes(),
                    StandardCharsets.UTF_8);
            client.ended = true;
            socket.close();
            return client;
        }
        Thread.ofVirtual().start(() -> client.read(body));
        return client;
    }

    static SseClient connect(int port, String target, String bearer) throws IOException {
        return connect(port, target, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    }

    private void read(InputStream body) {
        String id = null;
        String data = null;
        try {
            for (String line; (line = readLine(body)) != null; ) {
                lines.add(line);
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, data));
                    }
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    if (data != null) {
                        throw new AssertionError("an event with two data lines: " + data + " / " + line);
                    }
                    data = line.substring(6);
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed
        } finally {
            ended = true;
        }
    }

    List<Event> awaitEvents(int count, Duration timeout) {
        Awaitility.await().atMost(timeout).until(() -> events.size() >= count);
        return List.copyOf(events);
    }

    Event awaitEvent(Predicate<Event> match, Duration timeout) {
        Awaitility.await().atMost(timeout).until(() -> events.stream().anyMatch(match));
        return events.stream().filter(match).findFirst().orElseThrow();
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A line ended by LF (CR dropped); null at the end. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** HTTP/1.1 chunked transfer coding, undone. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = readLine(in);
                if (size != null && size.isEmpty()) {
                    size = readLine(in);
                }
                if (size == null) {
                    done = true;
                    return -1;
                }
                left = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int b = in.read();
            if (b == -1) {
                done = true;
                return -1;
            }
            left--;
            return b;
        }
    }

    static List<String> values(List<Event> events, String field) {
        List<String> values = new ArrayList<>();
        for (Event event : events) {
            JsonNode value = event.json().path("data").get(field);
            if (value != null) {
                values.add(value.asText());
            }
        }
        return values;
    }
}
