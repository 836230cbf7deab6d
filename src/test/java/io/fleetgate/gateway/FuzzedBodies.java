package io.fleetgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.fleetgate.ingress.EnergyCommands;
import io.fleetgate.vcp.CommandParameter;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import io.fleetgate.vcp.proto.UniversalMessage.SessionInfoRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Request bodies for the fuzzer: random bytes, broken or deep JSON, bodies just over 1 MiB, and
 * bodies for the command a path names (vehicle, signed or energy-site) whose fields are valid,
 * wrong, missing or null, sometimes framed as no Fleet API parser would take them.
 */
final class FuzzedBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Draws draw;
    private final List<String> validSignedBodies;

    FuzzedBodies(Draws draw, List<String> validSignedBodies) {
        this.draw = draw;
        this.validSignedBodies = validSignedBodies;
    }

    byte[] bodyFor(String path, String method) {
        boolean usual = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        if (!usual && draw.chance(80)) {
            return null;
        }
        int kind = draw.nextInt(100);
        if (kind < 30) {
            return null;
        }
        if (kind < 60) {
            return commandBody(path);
        }
        return garbageBody();
    }

    byte[] garbageBody() {
        int kind = draw.nextInt(100);
        if (kind < 15) {
            byte[] bytes = new byte[draw.nextInt(600)];
            draw.nextBytes(bytes);
            return bytes;
        }
        if (kind < 20) {
            return new byte[0];
        }
        if (kind < 25) {
            return oversized();
        }
        if (kind < 35) {
            String open = draw.chance(50) ? "[" : "{\"a\":";
            int depth = 100 + draw.nextInt(3000);
            String close = open.equals("[") ? "]" : "}";
            return (open.repeat(depth) + "1" + (draw.chance(70) ? close.repeat(depth) : "")).getBytes(StandardCharsets.UTF_8);
        }
        return draw.oneOf(
                "{\"percent\": 80", "{", "}", "[]", "null", "\"text\"", "123", "true", "\uFEFF{\"enabled\":true}",
                "{\"a\":1,\"a\":2}", "{\"vins\":[\"5YJ3E1EA7KF100001\",", "{\"n\":1e999999999}", "{\"n\":-0}",
                "{\"n\":NaN}", "{'single':'quotes'}", "{\"s\":\"\\ud800\"}", "a=b&c=d", "{\"x\":\"" + "y".repeat(100_000) + "\"}",
                "{\"vins\":" + "[".repeat(50) + "]".repeat(50) + "}", "{\"vins\":[1,2,3]}", "{\"vins\":\"x\"}",
                "{\"vins\":[\"5YJ3E1EA7KF100001\"],\"config\":{}}", "\u0000\u0001\u0002")
                .getBytes(draw.chance(10) ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8);
    }

    /** A JSON body just over 1 MiB (sometimes exactly 1 MiB). */
    private byte[] oversized() {
        int size = 1024 * 1024 + (draw.chance(25) ? 0 : 1 + draw.nextInt(64));
        String head = "{\"vins\":[\"5YJ3E1EA7KF100001\"],\"pad\":\"";
        return (head + "x".repeat(size - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** A body for the command the path names, each field valid, wrong, missing or null. */
    byte[] commandBody(String path) {
        ObjectNode body = JSON.createObjectNode();
        int command = path.indexOf("/command/");
        if (path.endsWith("/signed_command")) {
            return reframe(signedBody());
        } else if (command >= 0) {
            String name = path.substring(command + "/command/".length());
            for (CommandParameter parameter : Commands.parameters(name)) {
                put(body, parameter.name(), () -> JSON.valueToTree(parameter.example()), () -> JSON.valueToTree(parameter.otherExample()));
            }
        } else if (path.contains("/energy_sites/")) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            EnergyCommands.command(name).ifPresent(c -> c.fields().forEach(f -> put(body, f.name(),
                    () -> JSON.valueToTree(validEnergyValue(f)), () -> JSON.valueToTree(validEnergyValue(f)))));
        } else if (path.endsWith("/fleet_status") || path.contains("fleet_telemetry_config")) {
            put(body, "vins", () -> JSON.valueToTree(List.of("5YJ3E1EA7KF100001")), () -> JSON.valueToTree(List.of(draw.randomVin(), draw.randomVin())));
        }
        if (draw.chance(20)) {
            body.set(draw.oneOf("unknown", "note", "percent", "enabled", "vins", "routable_message", draw.text(1, 10)), wrongValue());
        }
        return reframe(body.toString());
    }

    /** Mostly the JSON as it is; sometimes framed as no JSON parser of the Fleet API's would take it. */
    private byte[] reframe(String json) {
        return switch (draw.nextInt(24)) {
            case 0 -> ("\uFEFF" + json).getBytes(StandardCharsets.UTF_8);
            case 1 -> (json + draw.oneOf(" x", "{}", "\u0000", " true", ",")).getBytes(StandardCharsets.UTF_8);
            case 2 -> json.getBytes(draw.oneOf(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.ISO_8859_1));
            case 3 -> json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8);
            default -> json.getBytes(StandardCharsets.UTF_8);
        };
    }

    private void put(ObjectNode body, String field, Supplier<JsonNode> valid,
                     Supplier<JsonNode> otherValid) {
        int kind = draw.nextInt(100);
        if (kind < 35) {
            body.set(field, valid.get());
        } else if (kind < 50) {
            body.set(field, otherValid.get());
        } else if (kind < 78) {
            body.set(field, wrongValue());
        } else if (kind < 88) {
            body.putNull(field);
        }
    }

    private Object validEnergyValue(EnergyCommands.Field field) {
        return switch (field.kind()) {
            case INTEGER -> draw.nextLong(field.min(), field.max() + 1);
            case BOOLEAN -> draw.nextBoolean();
            case CHOICE -> draw.oneOf(field.choices());
            case OBJECT -> field.inner().isEmpty() ? Map.of("version", 1) : Map.of(field.inner().getFirst().name(), Map.of("version", 1));
        };
    }

    private JsonNode wrongValue() {
        String json = draw.oneOf("\"str\"", "\"\"", "1e309", "-1", "99999999999999999999", "1.5", "true", "false", "null", "[]", "{}",
                "[1,2]", "{\"a\":{\"b\":1}}", "\"80\"", "\"true\"", "\"NaN\"", "\"١٢\"", "-9223372036854775809", "0.1e-400",
                "\"" + "z".repeat(5000) + "\"", "\"" + draw.oneOf(Draws.UNICODE) + "\"", "1E+2", "-0.0", "4294967296");
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(json, e);
        }
    }

    private String signedBody() {
        int kind = draw.nextInt(100);
        if (kind < 30 && !validSignedBodies.isEmpty()) {
            return draw.oneOf(validSignedBodies);
        }
        RoutableMessage.Builder message = RoutableMessage.newBuilder()
                .setToDestination(Destination.newBuilder().setDomainValue(draw.oneOf(List.of(0, 2, 3, 7, -1))))
                .setFromDestination(Destination.newBuilder().setRoutingAddress(ByteString.copyFrom(draw.bytes(16))))
                .setSessionInfoRequest(SessionInfoRequest.newBuilder().setPublicKey(ByteString.copyFrom(draw.bytes(65))));
        if (draw.chance(30)) {
            message.setProtobufMessageAsBytes(ByteString.copyFrom(draw.bytes(draw.nextInt(64))));
        }
        if (draw.chance(15)) {
            message.clearToDestination();
        }
        byte[] encoded = message.build().toByteArray();
        if (draw.chance(25) && encoded.length > 0) {
            encoded[draw.nextInt(encoded.length)] ^= (byte) (1 + draw.nextInt(255));
        }
        if (draw.chance(10)) {
            encoded = draw.bytes(draw.nextInt(200));
        }
        String base64 = Base64.getEncoder().encodeToString(encoded);
        return switch (draw.nextInt(12)) {
            case 0 -> "{\"routable_message\":\"" + base64.substring(0, base64.length() / 2) + "\"}";
            case 1 -> "{\"routable_message\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(encoded) + "\"}";
            case 2 -> "{\"routable_message\":" + draw.oneOf("42", "null", "[]", "{}", "true") + "}";
            case 3 -> "{\"routableMessage\":\"" + base64 + "\"}";
            case 4 -> "{\"routable_message\":\"" + draw.oneOf(Draws.UNICODE) + base64 + "\"}";
            default -> "{\"routable_message\":\"" + base64 + "\"}";
        };
    }

}
