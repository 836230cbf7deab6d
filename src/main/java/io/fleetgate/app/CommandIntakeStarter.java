package io.fleetgate.app;

import io.fleetgate.command.CommandConsumer;
import io.fleetgate.command.CommandIntake;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

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
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    // before the routes wait for their in-flight work: start no queued command
                    intake.stopTaking();
                }
            }
        });
        context.addService(consumer, true, true);
    }
}
