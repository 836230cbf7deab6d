package io.fleetgate.app;

import io.fleetgate.command.CommandIntake;
import io.fleetgate.command.CommandLedger;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Starts taking command records only once the routes that run them are up; the intake itself
 * waits for the ledger of executed ids to catch up before it runs any command.
 */
final class CommandIntakeStarter implements ExtendedStartupListener {
    private final CommandIntake intake;
    private final CommandLedger ledger;

    CommandIntakeStarter(CommandIntake intake, CommandLedger ledger) {
        this.intake = intake;
        this.ledger = ledger;
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
        context.getRouteController().startRoute("command-intake");
    }
}
