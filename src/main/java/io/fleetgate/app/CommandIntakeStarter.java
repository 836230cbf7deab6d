package io.fleetgate.app;

import io.fleetgate.command.CommandConsumer;
import io.fleetgate.command.CommandIntake;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * Starts taking command records only once the routes that run them are up. As Fleetgate stops,
 * queued commands stop starting first; the consumer, a service, stops after the routes have let
 * running commands finish, and commits what finished as it leaves the group.
 */
final class CommandIntakeStarter implements ExtendedStartupListener {
    private final CommandIntake intake;
    private final CommandConsumer consumer;

    CommandIntakeStarter(CommandIntake intake, CommandConsumer consumer) {
        this.intake = intake;
        this.consumer = consumer;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the intake starts after every route is running
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        intake.connect(context, "direct:command-run");
        // A lifecycle strategy, not an event notifier: with any notifier registered, Camel builds and
        // offers it an event for every exchange and step (3 % of a read's CPU in the profile).
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                // before the routes wait for their in-flight work: start no queued command
                intake.stopTaking();
            }
        });
        context.addService(consumer, true, true);
    }
}
