package io.fleetgate.region;

import java.time.Duration;

/**
 * Told how long each answered Fleet API call took, by region (the operations meters implement it).
 * {@code fleet-api:} finds it in the registry: the call knows its own start and end, so no route
 * step has to time it.
 */
public interface UpstreamLatency {
    /** After the region's host answered (any status); calls that got no answer are not timed. */
    void answered(Region region, Duration took);

    /** For a context without meters. */
    UpstreamLatency NONE = (region, took) -> {};
}
