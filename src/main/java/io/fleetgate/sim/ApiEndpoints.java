package io.fleetgate.sim;

/** The endpoint handlers a regional server routes to. They hold no per-region state. */
record ApiEndpoints(UserEndpoints users, VehicleEndpoints vehicles, SignedCommandEndpoint signedCommands,
                    EnergyEndpoints energy) {

    static ApiEndpoints create(SimServices services) {
        Envelope envelope = new Envelope(services.json());
        VehiclePayloads vehiclePayloads = new VehiclePayloads(services.json(), services.clock());
        VehicleDataPayloads dataPayloads = new VehicleDataPayloads(services.json(), services.clock(), vehiclePayloads);
        EnergyPayloads energyPayloads = new EnergyPayloads(services.json(), services.clock());
        return new ApiEndpoints(
                new UserEndpoints(services.fleet(), services.directory(), vehiclePayloads, energyPayloads, envelope),
                new VehicleEndpoints(services.fleet(), vehiclePayloads, dataPayloads, services.errors(), envelope),
                new SignedCommandEndpoint(services.fleet(), services.verifiers(), services.errors()),
                new EnergyEndpoints(services.fleet(), energyPayloads, services.errors(), envelope, services.clock()));
    }
}
