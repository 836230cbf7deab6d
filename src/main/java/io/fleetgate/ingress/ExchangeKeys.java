package io.fleetgate.ingress;

/** Names of the exchange properties the stages hand each other (routes read them as {@code exchangeProperty.*}). */
public final class ExchangeKeys {
    public static final String ACCOUNT = "fleetgateAccount";
    /** The name of the gateway token the caller presented (never its value). */
    public static final String TOKEN_NAME = "fleetgateTokenName";
    public static final String CLASSIFICATION = "fleetgateClassification";
    /** The {@link EndpointClass} name of the request, for the routes' decisions. */
    public static final String ENDPOINT_CLASS = "fleetgateEndpointClass";
    /** The region code ({@code na|eu|cn}) the request is sent to; also the {@code x-region} value. */
    public static final String REGION = "fleetgateRegion";
    public static final String METHOD = "fleetgateMethod";
    public static final String PATH = "fleetgatePath";
    /** The raw query string without the {@code token} parameter; null when there is none. */
    public static final String QUERY = "fleetgateQuery";
    public static final String REQUEST_BODY = "fleetgateRequestBody";
    /** Set once a 421 has been followed, so a request is re-routed at most once. */
    public static final String REROUTED = "fleetgateRerouted";
    /** When the request arrived ({@link java.time.Instant}). */
    public static final String RECEIVED_AT = "fleetgateReceivedAt";
    /** The caller's IP: the socket peer, or the X-Forwarded-For entry of a trusted proxy. */
    public static final String CLIENT_IP = "fleetgateClientIp";
    /** {@code X-Library}, else {@code User-Agent}: which client library made the request. */
    public static final String CLIENT_LIBRARY = "fleetgateClientLibrary";
    /** How many calls reached the Fleet API for this request (credits are charged per call). */
    public static final String UPSTREAM_CALLS = "fleetgateUpstreamCalls";
    /** Set when the request became a command record: the command's own stage writes its audit event. */
    public static final String COMMAND_ID = "fleetgateCommandId";
    /** The path of one of Fleetgate's own endpoints ({@code /api/metadata}, ...): its audit event's path template. */
    public static final String GATEWAY_ENDPOINT = "fleetgateGatewayEndpoint";

    private ExchangeKeys() {}
    /** The request's Vert.x RoutingContext, on exchanges of routes that run on the event loop. */
    public static final String ROUTING_CONTEXT = "fleetgateRoutingContext";
    /** The Vert.x context (event loop) the request arrived on, on the same exchanges. */
    public static final String REQUEST_CONTEXT = "fleetgateRequestContext";
    /** True once a route's last step has taken the answer over (an SSE stream): the HTTP consumer writes nothing. */
    public static final String STREAMING = "fleetgateStreaming";
}
