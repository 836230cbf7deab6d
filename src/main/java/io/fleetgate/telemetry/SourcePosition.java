package io.fleetgate.telemetry;

/**
 * The last fleet-telemetry record of a vehicle whose events were published, per input topic: a
 * record at or before it, read again (a replica that stopped before its consumer group committed,
 * a rebalance), was already published and is skipped, so a replay gives no duplicate event.
 * Kept on the state topic under {@code <VIN>/source.<topic>}.
 */
public record SourcePosition(String vin, String topic, int partition, long offset) {

    public String recordKey() {
        return vin + "/source." + topic;
    }

    /** Whether the record at {@code partition}/{@code offset} of this topic is this one or an earlier one. */
    boolean covers(int otherPartition, long otherOffset) {
        return partition == otherPartition && otherOffset <= offset;
    }
}
