package io.fleetgate.ingress;

/** A request matched against the endpoint table: the row, and the VIN, site id or command it names. */
public record Classification(FleetApiEndpoint endpoint, String vin, Long energySiteId, String commandName) {

    public EndpointClass endpointClass() {
        return endpoint.endpointClass();
    }

    public String pathTemplate() {
        return endpoint.template();
    }
}
