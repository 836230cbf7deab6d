package io.fleetgate.testing;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/** The Kafka clients' own metrics in this JVM, read over JMX (each client registers its MBeans). */
public final class KafkaClientMetrics {
    private KafkaClientMetrics() {}

    /** An attribute of a client's metrics MBean, e.g. {@code kafka.producer:type=producer-metrics,client-id=x}. */
    public static double value(String objectName, String attribute) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(objectName), attribute)).doubleValue();
    }

    /** The fetches the consumer of that client id has sent so far ({@code fetch-total}). */
    public static double fetches(String clientId) throws Exception {
        return value("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=" + clientId, "fetch-total");
    }
}
