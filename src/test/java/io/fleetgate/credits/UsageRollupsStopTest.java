package io.fleetgate.credits;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The usage roll-ups' Kafka Streams begin to stop as the context does, beside the routes' shutdown
 * (their consumer's close waits out the fetch the broker holds), and still leave the group.
 */
class UsageRollupsStopTest {

    @Test
    void theAggregationBeginsToStopWithTheContextAndLeavesItsGroup() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE).start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers()))) {
            CamelContext context = harness.gateway().context();
            UsageRollups rollups = context.getRegistry().lookupByNameAndType("usageRollups", UsageRollups.class);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rollups.isRunning() && members(admin, rollups) == 1);
            // a strategy added after Fleetgate's own is told after it, still before any route stops
            AtomicReference<Boolean> runningAsTheContextStops = new AtomicReference<>();
            AtomicReference<Object> membersOnceStopped = new AtomicReference<>();
            context.addLifecycleStrategy(new LifecycleStrategySupport() {
                @Override
                public void onContextStopping(CamelContext stopping) {
                    runningAsTheContextStops.set(rollups.isRunning());
                }

                @Override
                public void onContextStopped(CamelContext stopped) {
                    // the embedded broker stops after the context
                    try {
                        membersOnceStopped.set(members(admin, rollups));
                    } catch (Exception e) {
                        membersOnceStopped.set(e);
                    }
                }
            });

            harness.stopGateway();

            assertThat(runningAsTheContextStops.get()).as("the aggregation still running when the context began to stop").isFalse();
            // left at once, not after its 10 s session: the partitions' next owner takes them at once
            assertThat(membersOnceStopped.get()).isEqualTo(0);
        }
    }

    private static int members(Admin admin, UsageRollups rollups) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(rollups.applicationId()))
                .describedGroups().get(rollups.applicationId()).get();
        return group.members().size();
    }
}
