package io.fleetgate.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.Faults;
import io.fleetgate.vcp.SignedRetryPolicy;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.VehicleCommand;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.session.HandshakeRequest;
import io.fleetgate.vcp.session.SignedCommand;
import io.fleetgate.vcp.session.VcpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * Signed commands (CONTRACT sections 5 and 6) for vehicles that require the Vehicle Command
 * Protocol: which vehicles do (learned from a 403 on an unsigned command), the next message to
 * send (a session handshake when the domain has none, else the signed command), what each answer
 * means, and the caller's answer in the REST shape {@code {"response":{"result","reason"}}}.
 */
public final class SignedCommands {
    static final String SIGNED = "fleetgateSigned";
    private static final String STEP = "fleetgateSignedStep";
    private static final String HANDSHAKE = "fleetgateHandshake";
    private static final String MESSAGE = "fleetgateSignedMessage";
    private static final String OUTCOME = "fleetgateSignedOutcome";
    private static final String HANDSHAKES = "fleetgateHandshakes";
    private static final int MAX_HANDSHAKES = 3;
    private static final String PROTOCOL_REQUIRED = "Vehicle Command Protocol required";

    private final Optional<VcpClient> client;
    private final SignedRetryPolicy policy;
    private final String pairingDomain;
    private final Set<String> requireSigning = ConcurrentHashMap.newKeySet();
    /** Vehicles a fleet_status answer said do not require the protocol. */
    private final Set<String> signingNotRequired = ConcurrentHashMap.newKeySet();

    public SignedCommands(Optional<VcpClient> client, SignedRetryPolicy policy, String pairingDomain) {
        this.client = client;
        this.policy = policy;
        this.pairingDomain = pairingDomain;
    }

    /** Signed when the vehicle is known to require it and the command can be signed. */
    public void decide(Exchange exchange) {
        String vin = exchange.getProperty(CommandExchange.VIN, String.class);
        exchange.setProperty(SIGNED, client.isPresent() && requireSigning.contains(vin) && vehicleCommand(exchange).isPresent());
    }

    /** An unsigned command refused with "Vehicle Command Protocol required": mark the vehicle, go signed. */
    public void learnFromUnsignedAnswer(Exchange exchange) {
        Integer status = exchange.getProperty(CommandExchange.LAST_STATUS, Integer.class);
        byte[] body = exchange.getProperty(CommandExchange.LAST_BODY, byte[].class);
        if (status != null && status == 403 && body != null
                && new String(body, StandardCharsets.UTF_8).contains(PROTOCOL_REQUIRED)) {
            requireSigning.add(exchange.getProperty(CommandExchange.VIN, String.class));
            exchange.setProperty(SIGNED, vehicleCommand(exchange).isPresent() && client.isPresent());
        }
    }

    /**
     * A fleet_status answer passing through says which vehicles require the protocol
     * ({@code vehicle_info.<vin>.vehicle_command_protocol_required}); remembered for commands.
     */
    public void learnFromFleetStatus(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status != 200) {
            return;
        }
        var body = CommandJson.bodyNode(exchange.getMessage().getBody(byte[].class));
        var info = body == null ? null : body.path("response").path("vehicle_info");
        if (info == null || !info.isObject()) {
            return;
        }
        info.fields().forEachRemaining(entry -> {
            if (entry.getValue().path("vehicle_command_protocol_required").asBoolean(false)) {
                requireSigning.add(entry.getKey());
                signingNotRequired.remove(entry.getKey());
            } else if (entry.getValue().has("vehicle_command_protocol_required")) {
                requireSigning.remove(entry.getKey());
                signingNotRequired.add(entry.getKey());
            }
        });
    }

    /** The next signed_command call: a handshake when the command's domain has no session, else the command. */
    public void prepareMessage(Exchange exchange) {
        String vin = exchange.getProperty(CommandExchange.VIN, String.class);
        VehicleCommand command = vehicleCommand(exchange).orElseThrow();
        VcpClient vcp = client.orElseThrow();
        String body;
        if (vcp.hasSession(vin, command.domain())) {
            try {
                SignedCommand signed = vcp.sign(vin, command);
                exchange.setProperty(MESSAGE, signed);
                exchange.setProperty(STEP, "command");
                body = signed.body();
            } catch (VcpException e) {
                body = handshake(exchange, vcp, vin, command);
            }
        } else {
            body = handshake(exchange, vcp, vin, command);
        }
        exchange.setProperty(ExchangeKeys.METHOD, "POST");
        exchange.setProperty(ExchangeKeys.PATH, "/api/1/vehicles/" + vin + "/signed_command");
        exchange.setProperty(ExchangeKeys.QUERY, null);
        exchange.setProperty(ExchangeKeys.REQUEST_BODY, body.getBytes(StandardCharsets.UTF_8));
        exchange.removeProperty(ExchangeKeys.REROUTED);
    }

    /** Reads the answer and decides: again at once (new session), again after a delay, or done. */
    public void afterAnswer(Exchange exchange) {
        int status = CommandExchange.intProperty(exchange, CommandExchange.LAST_STATUS);
        boolean transportFailure = Boolean.TRUE.equals(exchange.getProperty(CommandExchange.TRANSPORT_FAILURE, Boolean.class));
        String body = new String(exchange.getProperty(CommandExchange.LAST_BODY, byte[].class), StandardCharsets.UTF_8);
        if (!transportFailure && status < 500) {
            exchange.setProperty(CommandExchange.BILLABLE_ATTEMPTS,
                    CommandExchange.intProperty(exchange, CommandExchange.BILLABLE_ATTEMPTS) + 1);
        }
        VcpClient vcp = client.orElseThrow();
        CommandOutcome outcome;
        int attempts = CommandExchange.intProperty(exchange, CommandExchange.ATTEMPTS);
        if ("handshake".equals(exchange.getProperty(STEP, String.class))) {
            outcome = status == 200 && !transportFailure
                    ? vcp.acceptSessionInfo(exchange.getProperty(HANDSHAKE, HandshakeRequest.class), body)
                    : Faults.forHttpStatus(status, pairingDomain);
            if (outcome.verdict() == Verdict.SUCCEEDED) {
                retry(exchange, 0); // the session is ready: now the command itself
                return;
            }
        } else {
            attempts++;
            exchange.setProperty(CommandExchange.ATTEMPTS, attempts);
            outcome = status == 200 && !transportFailure
                    ? vcp.decode(exchange.getProperty(MESSAGE, SignedCommand.class), body)
                    : Faults.forHttpStatus(status, pairingDomain);
        }
        exchange.setProperty(OUTCOME, outcome);
        Optional<SignedRetryPolicy.Retry> next = CommandExchange.intProperty(exchange, HANDSHAKES) > MAX_HANDSHAKES
                ? Optional.empty() : policy.next(outcome.verdict(), Math.max(1, attempts));
        if (next.isPresent()) {
            retry(exchange, next.get().delay().toMillis());
        } else {
            exchange.setProperty(CommandExchange.RETRY_DECISION, RetryPolicy.DONE);
        }
        AttemptLog.record(exchange, attempts, outcome.verdict().name().toLowerCase(java.util.Locale.ROOT),
                next.map(retry -> retry.delay().toMillis()).orElse(null));
    }

    /** The caller's answer: 200 with the REST command result, as for an unsigned command. */
    /** Whether the attempt under way is a session handshake (it changes nothing in the car). */
    static boolean isHandshake(Exchange exchange) {
        return "handshake".equals(exchange.getProperty(STEP, String.class));
    }

    public void answer(Exchange exchange) {
        CommandOutcome outcome = exchange.getProperty(OUTCOME, CommandOutcome.class);
        ObjectNode result = CommandJson.MAPPER.createObjectNode();
        result.put("result", outcome != null && outcome.result());
        result.put("reason", outcome == null ? "no answer from the vehicle" : outcome.result() ? "" : outcome.reason());
        ObjectNode body = CommandJson.MAPPER.createObjectNode();
        body.set("response", result);
        exchange.setProperty(CommandExchange.LAST_STATUS, 200);
        exchange.setProperty(CommandExchange.LAST_BODY, JsonMappers.writeBytes(body));
        exchange.setProperty(CommandExchange.LAST_HEADERS, Map.of("Content-Type", "application/json"));
    }

    boolean requiresSigning(String vin) {
        return requireSigning.contains(vin);
    }

    /**
     * Whether Fleetgate signs this vehicle's commands: true once it is known to require the
     * protocol, false once a fleet_status answer said it does not, empty while nothing is known.
     */
    public Optional<Boolean> signing(String vin) {
        if (requireSigning.contains(vin)) {
            return Optional.of(true);
        }
        return signingNotRequired.contains(vin) ? Optional.of(false) : Optional.empty();
    }

    /** The link a vehicle's owner opens to pair Fleetgate's key, when a pairing domain is set. */
    public Optional<String> pairingLink() {
        return pairingDomain == null || pairingDomain.isBlank() ? Optional.empty() : Optional.of(Faults.pairingLink(pairingDomain));
    }

    private String handshake(Exchange exchange, VcpClient vcp, String vin, VehicleCommand command) {
        HandshakeRequest handshake = vcp.sessionRequest(vin, command.domain());
        exchange.setProperty(HANDSHAKE, handshake);
        exchange.setProperty(STEP, "handshake");
        exchange.setProperty(HANDSHAKES, CommandExchange.intProperty(exchange, HANDSHAKES) + 1);
        return handshake.body();
    }

    private static void retry(Exchange exchange, long delayMillis) {
        exchange.setProperty(CommandExchange.RETRY_DECISION, RetryPolicy.RETRY);
        exchange.setProperty(CommandExchange.RETRY_DELAY_MS, delayMillis);
    }

    private static Optional<VehicleCommand> vehicleCommand(Exchange exchange) {
        CommandRequest request = exchange.getProperty(CommandExchange.REQUEST, CommandRequest.class);
        if (request == null || CommandRequest.WAKE_UP.equals(request.command()) || CommandRequest.SIGNED_COMMAND.equals(request.command())) {
            return Optional.empty();
        }
        return Commands.fromRest(request.command(), CommandJson.fields(request.parameters()));
    }
}
