package io.fleetgate.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import io.fleetgate.account.GatewayTokenCheck;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.VehicleCommands;
import io.fleetgate.vcp.Commands;
import org.apache.camel.Exchange;

/**
 * What a command record must be, and whether its account may send it: the same subscription and
 * scope rules as a REST request (a record may come from any producer, not only from ingress).
 */
public final class CommandChecks {
    private static final int MAX_ID_LENGTH = 200;

    private final AccountStore accounts;
    private final FleetApiCatalog catalog;
    private final GatewayTokenCheck tokenCheck;

    public CommandChecks(AccountStore accounts, FleetApiCatalog catalog, GatewayTokenCheck tokenCheck) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.tokenCheck = tokenCheck;
    }

    /** Why a record cannot be a command, or null when it can. */
    static String recordProblem(CommandRequest request) {
        if (request.id() == null || request.id().isBlank() || request.id().length() > MAX_ID_LENGTH) {
            return "a command needs an id of 1 to " + MAX_ID_LENGTH + " characters";
        }
        if (request.accountId() == null || request.accountId().isBlank()) {
            return "a command needs an account_id";
        }
        if (!FleetApiCatalog.isVin(request.vin())) {
            return "a command needs a well-formed vin";
        }
        if (request.command() == null || !(CommandRequest.WAKE_UP.equals(request.command())
                || CommandRequest.SIGNED_COMMAND.equals(request.command()) || VehicleCommands.isKnown(request.command()))) {
            return "unknown command: " + request.command();
        }
        if (request.parameters() != null && !request.parameters().isObject() && !request.parameters().isNull()) {
            return "parameters must be a JSON object";
        }
        return parameterProblem(request.command(), request.parameters());
    }

    /**
     * Why a command's parameters are wrong (naming the field), or null: checked with the
     * command catalog the signer uses, for every command it knows, signed or not; a caller's own
     * {@code signed_command} must carry a RoutableMessage for one of the vehicle's domains.
     */
    public static String parameterProblem(String command, JsonNode parameters) {
        if (CommandRequest.SIGNED_COMMAND.equals(command)) {
            return SignedCommandBodies.problem(parameters);
        }
        try {
            Commands.fromRest(command, CommandJson.fields(parameters));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Throws the refusal a REST caller would get for this command: 402, 403, or 404 for no such account. */
    public void authorize(Exchange exchange) {
        CommandRequest request = exchange.getProperty(CommandExchange.REQUEST, CommandRequest.class);
        Account account = accounts.findById(request.accountId())
                .orElseThrow(() -> new GatewayError(404, "not_found", "No account " + request.accountId() + "."));
        exchange.setProperty(ExchangeKeys.ACCOUNT, account);
        exchange.setProperty(ExchangeKeys.REGION, account.region().code());
        exchange.setProperty(ExchangeKeys.CLASSIFICATION, catalog.classify("POST", request.upstreamPath()));
        exchange.setProperty(ExchangeKeys.QUERY, null);
        exchange.setProperty(ExchangeKeys.REQUEST_BODY, null);
        tokenCheck.authorize(exchange);
    }
}
