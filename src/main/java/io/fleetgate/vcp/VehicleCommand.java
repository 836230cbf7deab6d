package io.fleetgate.vcp;

import java.util.HexFormat;

/** A command ready to sign: its REST name, the domain that executes it, and the payload bytes. */
public record VehicleCommand(String name, Domain domain, byte[] payload) {

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public String toString() {
        return "VehicleCommand[" + name + " -> " + domain + " " + HexFormat.of().formatHex(payload) + "]";
    }
}
