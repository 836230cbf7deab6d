package io.fleetgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, one request per connection: sends exactly the bytes it is given
 * (a request line with raw UTF-8, bad percent-encoding or no leading slash, header values no
 * client library would send), and reads whatever comes back. The response is read while the
 * body is still being written, so an answer given before the body is read (a 413) is not lost.
 */
public final class RawHttp {
    private final int port;
    private final Duration timeout;

    public RawHttp(int port, Duration timeout) {
        this.port = port;
        this.timeout = timeout;
    }

    /**
     * @param target  the request target as sent (its UTF-8 bytes go on the wire unchanged)
     * @param headers sent in order after {@code Host} and {@code Connection: close}
     * @param body    null for none; sent with Content-Length, or chunked when {@code chunked}
     */
    public Response send(String method, String target, List<Map.Entry<String, String>> headers, byte[] body, boolean chunked) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        write(head, method + " " + target + " HTTP/1.1\r\n");
        write(head, "Host: 127.0.0.1:" + port + "\r\n");
        write(head, "Connection: close\r\n");
        for (Map.Entry<String, String> header : headers) {
            write(head, header.getKey() + ": " + header.getValue() + "\r\n");
        }
        if (body != null) {
            write(head, chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n");
        }
        write(head, "\r\n");
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) timeout.toMillis());
            Thread writer = Thread.ofVirtual().start(() -> writeRequest(socket, head.toByteArray(), body, chunked));
            ReadResult read = readAll(socket.getInputStream(), started);
            writer.join(1_000);
            return Response.parse(read.bytes(), read.timedOut(), method.equalsIgnoreCase("HEAD"),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            return Response.none("could not connect: " + e, Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void writeRequest(Socket socket, byte[] head, byte[] body, boolean chunked) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(head);
            if (body != null) {
                if (chunked) {
                    int chunk = 8192;
                    for (int offset = 0; offset < body.length; offset += chunk) {
                        int length = Math.min(chunk, body.length - offset);
                        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, offset, length);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(body);
                }
            }
            out.flush();
        } catch (IOException refusedEarly) {
            // the server may answer (413) and close before it has read the whole body
        }
    }

    private record ReadResult(byte[] bytes, boolean timedOut) {}

    private ReadResult readAll(InputStream in, long started) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
                if (System.nanoTime() - started > timeout.toNanos()) {
                    return new ReadResult(received.toByteArray(), true);
                }
            }
        } catch (SocketTimeoutException e) {
            return new ReadResult(received.toByteArray(), true);
        } catch (IOException reset) {
            // a reset after the answer arrived leaves the answer usable
        }
        return new ReadResult(received.toByteArray(), false);
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What came back: status -1 when no status line arrived at all ({@code problem} says why).
     *
     * @param headers names in lower case; repeated headers joined with ", "
     */
    public record Response(int status, Map<String, String> headers, byte[] body, boolean timedOut, String problem,
                           Duration took) {

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Response none(String problem, Duration took) {
            return new Response(-1, Map.of(), new byte[0], false, problem, took);
        }

        static Response parse(byte[] bytes, boolean timedOut, boolean head, Duration took) {
            int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
            if (end < 0) {
                return new Response(-1, Map.of(), bytes, timedOut,
                        timedOut ? "no complete answer before the timeout" : bytes.length == 0
                                ? "the connection was closed without an answer" : "an incomplete answer", took);
            }
            String[] lines = new String(bytes, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            int status;
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (RuntimeException e) {
                return new Response(-1, Map.of(), bytes, timedOut, "not an HTTP status line: " + lines[0], took);
            }
            java.util.TreeMap<String, String> headers = new java.util.TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
                }
            }
            byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
            byte[] body;
            String problem = null;
            if (head || status == 204 || status == 304) {
                body = new byte[0];
            } else if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
                body = dechunk(rest);
                if (body == null) {
                    body = rest;
                    problem = "a chunked body that does not end";
                }
            } else if (headers.containsKey("content-length")) {
                int length;
                try {
                    length = Integer.parseInt(headers.get("content-length"));
                } catch (NumberFormatException e) {
                    return new Response(status, Map.copyOf(headers), rest, timedOut, "a Content-Length that is no number", took);
                }
                body = java.util.Arrays.copyOf(rest, Math.min(length, rest.length));
                if (rest.length < length) {
                    problem = "a body shorter than its Content-Length";
                }
            } else {
                body = rest;
            }
            return new Response(status, Map.copyOf(headers), body, timedOut, problem, took);
        }

        private static byte[] dechunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (true) {
                int lineEnd = indexOf(chunked, "\r\n".getBytes(StandardCharsets.US_ASCII), at);
                if (lineEnd < 0) {
                    return null;
                }
                String size = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII);
                int semicolon = size.indexOf(';');
                int length;
                try {
                    length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (length == 0) {
                    return out.toByteArray();
                }
                int start = lineEnd + 2;
                if (start + length > chunked.length) {
                    return null;
                }
                out.write(chunked, start, length);
                at = start + length + 2;
            }
        }

        private static int indexOf(byte[] data, byte[] pattern, int from) {
            outer:
            for (int i = from; i <= data.length - pattern.length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (data[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    /** Headers in the order given. */
    public static List<Map.Entry<String, String>> headers(String... namesAndValues) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            headers.add(Map.entry(namesAndValues[i], namesAndValues[i + 1]));
        }
        return headers;
    }
}
