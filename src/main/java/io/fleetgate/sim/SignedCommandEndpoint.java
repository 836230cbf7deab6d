package io.fleetgate.sim;

import io.fleetgate.vcp.DecodedAction;
import io.fleetgate.vcp.FleetApiBodies;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.vehicle.CommandHandler;

/**
 * {@code POST /api/1/vehicles/{tag}/signed_command} with {@code {"routable_message":"<base64>"}}:
 * the cloud's checks, then the vehicle's verifier answers {@code {"response":"<base64>"}} — signed
 * session info for a handshake, the handler's reply for a command it accepts, or a protocol fault
 * (an unpaired key gets UNKNOWN_KEY_ID) always with HTTP 200, as Tesla relays whatever the car says.
 */
final class SignedCommandEndpoint {

    private final SimulatedFleet fleet;
    private final VehicleVerifiers verifiers;
    private final FleetErrors errors;

    SignedCommandEndpoint(SimulatedFleet fleet, VehicleVerifiers verifiers, FleetErrors errors) {
        this.fleet = fleet;
        this.verifiers = verifiers;
        this.errors = errors;
    }

    /**
     * In order: 404 for a vehicle outside the account, 422 when the car predates the protocol,
     * 400 for a body without base64 {@code routable_message}, 503 unless online, then the car.
     */
    Reply signedCommand(ApiCall call) {
        SimVehicle vehicle = fleet.findVehicleByTag(call.pathParam("tag"))
                .filter(v -> v.ownerId().equals(call.user().id()))
                .orElse(null);
        if (vehicle == null) {
            return errors.notFound();
        }
        if (!vehicle.protocolSupported()) {
            return errors.protocolNotSupported();
        }
        byte[] request;
        try {
            request = FleetApiBodies.routableMessageOf(call.bodyText());
        } catch (VcpException malformed) {
            return errors.invalidField("body must be {\"routable_message\": \"<base64 RoutableMessage>\"}");
        }
        if (!vehicle.isOnline() && !call.gatesOpen()) {
            return errors.vehicleUnavailableForSignedCommand();
        }
        CommandHandler accepting = CommandHandler.acceptAll();
        CommandHandler recording = (domain, payload) -> {
            MessageFault_E scripted = verifiers.nextScriptedFault(vehicle.vin());
            if (scripted != null) {
                throw new CommandHandler.Refusal(scripted);
            }
            DecodedAction.of(domain, payload).ifPresent(call::noteSignedCommand);
            return accepting.execute(domain, payload);
        };
        byte[] reply = verifiers.answer(vehicle, request, recording);
        return Reply.json(200, FleetApiBodies.responseBody(reply));
    }
}
