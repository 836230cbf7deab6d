package io.fleetgate.region;

import java.time.Duration;

/**
 * How Fleetgate's client talks to a regional Fleet API host (CONTRACT section 9): the times it
 * waits to connect, for a free pooled connection and for an answer, and the connections it keeps
 * per host ({@code fleetgate.upstream.*}).
 *
 * @param connectTimeout TCP (and TLS) connect; a failure is the host's: 502, counted by its breaker
 * @param poolWait waiting for a free pooled connection, on top of the connect time (a call may have to
 *        wait for one, then open it): a call that has no connection after both is this replica's
 *        load, a 504 its region's breaker does not count
 * @param responseTimeout silence on a connection with a request out; then 504 upstream_timeout
 * @param connectionsPerHost keep-alive connections a region's host gets at most from each event loop
 */
public record UpstreamClientSettings(Duration connectTimeout, Duration poolWait, Duration responseTimeout,
        int connectionsPerHost) {}
