package io.fleetgate.ingress;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.limits.ClientAddressResolver;
import io.fleetgate.limits.RateLimitGate;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Captures what Fleetgate forwards of an incoming request: method, path, the query without the
 * gateway token, and the body (bounded in size, and JSON when there is one).
 */
public final class IncomingRequest {
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    private static final ObjectReader STRICT = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";

    private final long maxBodyBytes;
    private final ClientAddressResolver clientAddresses;
    private final Clock clock;

    public IncomingRequest(long maxBodyBytes, ClientAddressResolver clientAddresses, Clock clock) {
        this.maxBodyBytes = maxBodyBytes;
        this.clientAddresses = clientAddresses;
        this.clock = clock;
    }

    public void capture(Exchange exchange) {
        Message in = exchange.getMessage();
        exchange.setProperty(ExchangeKeys.RECEIVED_AT, clock.instant());
        exchange.setProperty(ExchangeKeys.CLIENT_IP, clientIp(exchange, clientAddresses));
        // the per-IP decision the HTTP server made, for the site limit and the RateLimit-* headers
        IpLimitGuard.verdict(exchange).ifPresent(verdict -> exchange.setProperty(RateLimitGate.VERDICT, verdict));
        exchange.setProperty(ExchangeKeys.CLIENT_LIBRARY, clientLibrary(in));
        // a declared length over the limit never gets here (IngressGuard); a chunked body can
        byte[] body = bodyBytes(in);
        if (body != null && body.length > maxBodyBytes) {
            throw GatewayError.bodyTooLarge(maxBodyBytes);
        }
        exchange.setProperty(ExchangeKeys.METHOD, in.getHeader(Exchange.HTTP_METHOD, String.class));
        exchange.setProperty(ExchangeKeys.PATH, requestPath(in));
        exchange.setProperty(ExchangeKeys.QUERY, withoutToken(rawQuery(in)));
        exchange.setProperty(ExchangeKeys.REQUEST_BODY, body == null || body.length == 0 ? null : body);
    }

    /**
     * The caller's address: as the HTTP server decided it for the per-IP limit, so that every
     * stage speaks of the same address; resolved from the request itself otherwise.
     */
    public static String clientIp(Exchange exchange, ClientAddressResolver clientAddresses) {
        return IpLimitGuard.clientIp(exchange).orElseGet(() -> {
            Message in = exchange.getMessage();
            return clientAddresses.clientIp(socketPeer(in), in.getHeader("X-Forwarded-For", String.class));
        });
    }

    /** Vert.x hands over a Buffer; asking Camel to convert it searches the converter registry each time. */
    private static byte[] bodyBytes(Message in) {
        Object body = in.getBody();
        if (body == null || body instanceof byte[]) {
            return (byte[]) body;
        }
        if (body instanceof io.vertx.core.buffer.Buffer buffer) {
            return buffer.getBytes();
        }
        return in.getBody(byte[].class);
    }

    /** A body, when there is one, must be JSON. */
    public void requireJsonBody(Exchange exchange) {
        parsedBody(exchange);
    }

    /** The JSON body, parsed; empty when the request has none. */
    public static Optional<JsonNode> parsedBody(Exchange exchange) {
        return parseBody(exchange.getProperty(ExchangeKeys.REQUEST_BODY, byte[].class));
    }

    /**
     * The body as JSON, held to RFC 8259 as strictly as the Fleet API holds it, since the body may
     * be forwarded as it came: UTF-8, no byte-order mark, and nothing after the one JSON value.
     * Jackson on its own would skip a BOM, guess UTF-16, and stop reading after the first value.
     */
    static Optional<JsonNode> parseBody(byte[] body) {
        if (body == null) {
            return Optional.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw GatewayError.invalidRequest("The request body is not valid JSON: JSON is sent as UTF-8.");
        }
        if (text.startsWith("\uFEFF")) {
            throw GatewayError.invalidRequest("The request body is not valid JSON: it starts with a byte-order mark.");
        }
        try {
            JsonNode node = STRICT.readTree(text);
            if (node == null || node.isMissingNode()) {
                return Optional.empty();
            }
            return Optional.of(node);
        } catch (IOException e) {
            throw GatewayError.invalidRequest("The request body is not valid JSON.");
        }
    }

    /** The request's raw query string, as received (token included). */
    public static String rawQuery(Message in) {
        String raw = in.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        return raw != null ? raw : in.getHeader(Exchange.HTTP_QUERY, String.class);
    }

    /** The value of the first query parameter of that name, URL-decoded. */
    public static Optional<String> queryParameter(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    /** The raw query minus every {@code token} parameter, the rest byte for byte; null when nothing is left. */
    static String withoutToken(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (!decode(eq < 0 ? pair : pair.substring(0, eq)).equals("token")) {
                kept.add(pair);
            }
        }
        return kept.isEmpty() ? null : String.join("&", kept);
    }

    private static String socketPeer(Message in) {
        Object remote = in.getHeader(REMOTE_ADDRESS);
        if (remote instanceof SocketAddress address) {
            return address.hostAddress();
        }
        return remote == null ? null : remote.toString();
    }

    private static String clientLibrary(Message in) {
        String library = in.getHeader("X-Library", String.class);
        if (library == null || library.isBlank()) {
            library = in.getHeader("User-Agent", String.class);
        }
        if (library == null || library.isBlank()) {
            return null;
        }
        // a header is the caller's text: keep it short and on one line for events and logs
        String oneLine = library.replaceAll("[\\p{Cntrl}]", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) : oneLine;
    }

    /** The request's path, without its query (which may hold a token). */
    public static String requestPath(Message in) {
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        if (uri != null) {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }
        return in.getHeader(Exchange.HTTP_PATH, String.class);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

}
