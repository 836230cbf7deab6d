package io.fleetgate.ops;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The operator console's built files ({@code console/} on the classpath, made by the Maven build
 * from {@code src/main/console}), served under {@code /console/}. The page holds no secret: it
 * asks for the admin token and keeps it in the browser tab. Every answer forbids scripts, styles
 * and connections from anywhere but Fleetgate itself, and framing; images may also come from the
 * map tile server the operator set ({@code fleetgate.console.map-tiles-url}), which the page
 * learns from {@code /console/settings.json}, as it learns how long an idle tab keeps the token.
 */
public final class ConsoleFiles {
    private static final String PREFIX = "/console/";
    private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json");
    private static final String SETTINGS = "settings.json";
    /** An http(s) tile URL template: Leaflet's {z}/{x}/{y}, and {s} only in the host. */
    private static final Pattern TILES = Pattern.compile("(https?://)(\\{s\\}\\.)?([A-Za-z0-9.-]+(:[0-9]{1,5})?)/[^\\s\"'<>]*");

    private final String root;
    private final String policy;
    private final byte[] settings;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /**
     * @param tilesUrl    the map tiles' URL template ({@code https://tile.openstreetmap.org/{z}/{x}/{y}.png})
     * @param attribution who the tiles are from, shown on the map as the tile server's terms ask
     * @param idleSignOut how long a tab without input keeps the admin token (zero: for as long as it is open)
     */
    public ConsoleFiles(String tilesUrl, String attribution, Duration idleSignOut) {
        this("console/", tilesUrl, attribution, idleSignOut);
    }

    ConsoleFiles(String root, String tilesUrl, String attribution, Duration idleSignOut) {
        this.root = root;
        this.policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: " + tileOrigin(tilesUrl) + ";"
                + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        this.settings = JsonNodeFactory.instance.objectNode()
                .put("map_tiles_url", tilesUrl).put("map_attribution", attribution)
                .put("idle_sign_out_seconds", idleSignOut.toSeconds()).toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The origin the policy lets tiles come from: {@code https://*.tile.example} for a template with {s}. */
    static String tileOrigin(String tilesUrl) {
        Matcher url = TILES.matcher(tilesUrl == null ? "" : tilesUrl.trim());
        if (!url.matches() || !tilesUrl.contains("{z}") || !tilesUrl.contains("{x}") || !tilesUrl.contains("{y}")) {
            throw new IllegalArgumentException("setting fleetgate.console.map-tiles-url must be an http(s) URL template with"
                    + " {z}, {x} and {y} (and {s} only as the host's first label), such as"
                    + " https://tile.openstreetmap.org/{z}/{x}/{y}.png; got '" + tilesUrl + "'");
        }
        return url.group(1) + (url.group(2) != null ? "*." : "") + url.group(3);
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
        byte[] content = file.equals(SETTINGS) ? settings : FILE.matcher(file).matches() ? file(file) : null;
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        if (content == null || type == null) {
            throw new GatewayError(404, "not_found", "The console has no file " + file + ".");
        }
        answer(message, 200, type, content);
        message.setHeader("Cache-Control", "no-cache");
    }

    private void answer(Message message, int status, String type, byte[] body) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, type);
        message.setHeader("Content-Security-Policy", policy);
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
