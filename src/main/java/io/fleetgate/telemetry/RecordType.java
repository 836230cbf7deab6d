package io.fleetgate.telemetry;

import java.util.Optional;

/**
 * fleet-telemetry's record types: each is written to its own Kafka topic
 * {@code <namespace>_<txtype>} and becomes events of one Teslemetry topic.
 */
public enum RecordType {
    DATA("V", EventTopic.DATA),
    ALERTS("alerts", EventTopic.ALERTS),
    ERRORS("errors", EventTopic.ERRORS),
    CONNECTIVITY("connectivity", EventTopic.CONNECTIVITY);

    private final String txtype;
    private final EventTopic eventTopic;

    RecordType(String txtype, EventTopic eventTopic) {
        this.txtype = txtype;
        this.eventTopic = eventTopic;
    }

    /** fleet-telemetry's name of the type: the {@code txtype} header and the topic's suffix. */
    public String txtype() {
        return txtype;
    }

    public EventTopic eventTopic() {
        return eventTopic;
    }

    /** The Kafka topic fleet-telemetry writes this type to. */
    public String topic(String namespace) {
        return namespace + "_" + txtype;
    }

    /** The type whose topic this is, under the namespace. */
    public static Optional<RecordType> ofTopic(String namespace, String topic) {
        for (RecordType type : values()) {
            if (type.topic(namespace).equals(topic)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
