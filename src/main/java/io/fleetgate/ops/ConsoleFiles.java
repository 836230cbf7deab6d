package io.fleetgate.ops;

import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The operator console's built files ({@code console/} on the classpath, made by the Maven build
 * from {@code src/main/console}), served under {@code /console/}. The page holds no secret: it
 * asks for the admin token and keeps it in the browser tab. Every answer forbids scripts, styles
 * and connections from anywhere but Fleetgate itself, and framing.
 */
public final class ConsoleFiles {
    private static final String PREFIX = "/console/";
    private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final String root;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    public ConsoleFiles() {
        this("console/");
    }

    ConsoleFiles(String root) {
        this.root = root;
    }

    /** GET /console/&lt;file&gt;: the file; /console and /console/ the page; anything else 404. */
    public void serve(Exchange exchange) {
        Message message = exchange.getMessage();
        String path = IncomingRequest.requestPath(message);
        String name = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
        if (path.equals("/console")) {
            // relative links in the page resolve under /console/
            answer(message, 308, "text/plain; charset=utf-8", new byte[0]);
            message.setHeader("Location", "/console/");
            return;
        }
        if (name.isEmpty()) {
            name = "index.html";
        }
        String file = name;
        byte[] content = FILE.matcher(file).matches() ? file(file) : null;
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        if (content == null || type == null) {
            throw new GatewayError(404, "not_found", "The console has no file " + file + ".");
        }
        answer(message, 200, type, content);
        message.setHeader("Cache-Control", "no-cache");
    }

    private static void answer(Message message, int status, String type, byte[] body) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, type);
        message.setHeader("Content-Security-Policy", POLICY);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setBody(body);
    }

    /** The file's bytes, read once; a name that is not there is not remembered (callers choose names). */
    private byte[] file(String name) {
        byte[] known = files.get(name);
        if (known != null) {
            return known;
        }
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(root + name)) {
            if (in == null) {
                return null;
            }
            byte[] content = in.readAllBytes();
            files.put(name, content);
            return content;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
