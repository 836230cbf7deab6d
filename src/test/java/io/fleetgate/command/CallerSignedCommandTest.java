package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.wakeUps;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import io.fleetgate.vcp.proto.UniversalMessage.SessionInfoRequest;
import io.fleetgate.vcp.session.HandshakeRequest;
import io.fleetgate.vcp.session.SignedCommand;
import io.fleetgate.vcp.session.VcpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller's own {@code signed_command} (CONTRACT section 6: passed through unchanged) is checked
 * before anything is done for it: a body that is not a base64 RoutableMessage to VCSEC or
 * infotainment is 400 invalid_request, with no state check, no wake-up, no credit and nothing sent.
 */
class CallerSignedCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static final String LIBRARY = "caller-signed-command-test";
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS).start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aBodyThatIsNotARoutableMessageForAVehicleDomainIs400AndNothingIsCheckedWokenChargedOrSent() throws Exception {
        // CommandFleet's vehicles sleep: anything that got past the check would wake this one first
        String vin = VINS.next();
        Map<String, String> bodies = malformedBodies();
        Map<String, String> headers = new HashMap<>(GatewayHarness.bearer(OPS.gatewayToken()));
        headers.put("Content-Type", "application/json");
        headers.put("X-Library", LIBRARY);

        for (Map.Entry<String, String> bad : bodies.entrySet()) {
            HttpResponse<byte[]> response = harness.send("POST", "/api/1/vehicles/" + vin + "/signed_command", headers,
                    bad.getValue() == null ? null : bad.getValue().getBytes(StandardCharsets.UTF_8));
            assertThat(response.statusCode()).as(bad.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.get("response").isNull()).as(bad.getKey()).isTrue();
            assertThat(error.get("error").asText()).as(bad.getKey()).isEqualTo("invalid_request");
            assertThat(error.get("error_description").asText()).as(bad.getKey()).contains("routable_message");
            JsonNode sent = bad.getValue() == null ? null : JSON.readTree(bad.getValue()).get("routable_message");
            if (sent != null && sent.isTextual() && !sent.asText().isEmpty()) {
                assertThat(error.get("error_description").asText()).as("never quotes the message").doesNotContain(sent.asText());
            }
        }

        assertThat(harness.simulator().requests(vin)).as("no state check, wake-up or command").isEmpty();
        // each refusal is audited as charging nothing
        List<JsonNode> events = new TopicRecords(harness.kafkaBootstrapServers())
                .awaitSettled("fleetgate.audit.v1", r -> r.value().contains(LIBRARY), bodies.size(), Duration.ofSeconds(20))
                .stream().map(r -> json(r.value())).toList();
        assertThat(events).hasSize(bodies.size()).allSatisfy(event -> {
            assertThat(event.get("status").asInt()).isEqualTo(400);
            assertThat(event.get("credits").asInt()).isZero();
            assertThat(event.get("attempts").asInt()).isZero();
            assertThat(event.get("woke_vehicle").asBoolean()).isFalse();
        });
    }

    @Test
    void aCallersOwnHandshakeAndSignedCommandPassThroughUnchanged() throws Exception {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        EcKeyPair key = EcKeyPair.generate(new SecureRandom());
        harness.simulator().fleet().pairKey(vin, key.publicKeyBytes());
        VcpClient caller = new VcpClient(key, "caller.example.org", Clock.systemUTC(), new SplittableRandom(13));

        HandshakeRequest handshake = caller.sessionRequest(vin, Domain.INFOTAINMENT);
        HttpResponse<byte[]> answer = signedCommand(vin, handshake.body());
        assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(200);
        assertThat(caller.acceptSessionInfo(handshake, new String(answer.body())).verdict()).isEqualTo(Verdict.SUCCEEDED);

        SignedCommand flash = caller.sign(vin, Commands.named("flash_lights"));
        answer = signedCommand(vin, flash.body());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(caller.decode(flash, new String(answer.body())).verdict()).isEqualTo(Verdict.SUCCEEDED);

        List<RecordedRequest> sent = harness.simulator().requests(vin).stream()
                .filter(r -> r.path().endsWith("/signed_command")).toList();
        assertThat(sent).extracting(RecordedRequest::body).containsExactly(handshake.body(), flash.body());
        assertThat(sent).extracting(RecordedRequest::command).containsExactly(null, "flash_lights");
    }

    @Test
    void aCallersSignedCommandToASleepingVehicleWakesItFirstThenPassesThroughByteForByte() throws Exception {
        String vin = VINS.next();
        harness.simulator().fleet().putToSleep(vin);
        EcKeyPair key = EcKeyPair.generate(new SecureRandom());
        harness.simulator().fleet().pairKey(vin, key.publicKeyBytes());
        VcpClient caller = new VcpClient(key, "caller.example.org", Clock.systemUTC(), new SplittableRandom(17));

        HandshakeRequest handshake = caller.sessionRequest(vin, Domain.VCSEC);
        HttpResponse<byte[]> answer = signedCommand(vin, handshake.body());
        assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(200);
        assertThat(caller.acceptSessionInfo(handshake, new String(answer.body())).verdict()).isEqualTo(Verdict.SUCCEEDED);
        SignedCommand lock = caller.sign(vin, Commands.named("door_lock"));
        answer = signedCommand(vin, lock.body());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(caller.decode(lock, new String(answer.body())).verdict()).isEqualTo(Verdict.SUCCEEDED);

        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(wakeUps(calls)).isEqualTo(1);
        int wakeUp = calls.indexOf(calls.stream().filter(r -> r.path().endsWith("/wake_up")).findFirst().orElseThrow());
        List<RecordedRequest> sent = calls.stream().filter(r -> r.path().endsWith("/signed_command")).toList();
        assertThat(calls.indexOf(sent.getFirst())).as("woken before the first signed_command").isGreaterThan(wakeUp);
        // what reached the vehicle is what the caller sent, byte for byte
        assertThat(sent).extracting(RecordedRequest::body).containsExactly(handshake.body(), lock.body());
        assertThat(sent).extracting(RecordedRequest::command).containsExactly(null, "door_lock");
    }

    @Test
    void aSignedCommandRecordFromKafkaWithABadMessageGetsA400ResultAndNothingIsSent() throws Exception {
        String vin = VINS.next();
        String id = UUID.randomUUID().toString();
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        // three zero bytes: field number 0 is no protobuf field
        topics.send("fleetgate.commands.v1", vin, """
                {"id":"%s","account_id":"ops","vin":"%s","command":"signed_command","parameters":{"routable_message":"AAAA"}}"""
                .formatted(id, vin));
        var results = topics.awaitSettled("fleetgate.command-results.v1", r -> r.value().contains(id), 1, Duration.ofSeconds(15));
        assertThat(results).hasSize(1);
        JsonNode result = JSON.readTree(results.getFirst().value());
        assertThat(result.get("status").asInt()).isEqualTo(400);
        assertThat(result.get("response").get("error").asText()).isEqualTo("invalid_request");
        assertThat(result.get("response").get("error_description").asText()).contains("routable_message");
        assertThat(harness.simulator().requests(vin)).isEmpty();
    }

    /** Each way a signed_command body can be wrong, by name. */
    private static Map<String, String> malformedBodies() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("no body", null);
        bodies.put("no field", "{}");
        bodies.put("the field under another name", "{\"routableMessage\":\"" + b64(toVcsec().build()) + "\"}");
        bodies.put("null", "{\"routable_message\":null}");
        bodies.put("a number", "{\"routable_message\":42}");
        bodies.put("an object", "{\"routable_message\":{\"to_destination\":2}}");
        bodies.put("not base64", "{\"routable_message\":\"not base64!\"}");
        bodies.put("url-safe base64", "{\"routable_message\":\"" + Base64.getUrlEncoder().encodeToString(new byte[] {-5, -1, -2}) + "\"}");
        bodies.put("empty", "{\"routable_message\":\"\"}");
        bodies.put("truncated protobuf", "{\"routable_message\":\"" + b64(new byte[] {0x32, 0x05, 0x08}) + "\"}");
        bodies.put("field number zero", "{\"routable_message\":\"AAAA\"}");
        bodies.put("a gateway token, base64", "{\"routable_message\":\""
                + Base64.getEncoder().encodeToString(OPS.gatewayToken().getBytes()) + "\"}");
        bodies.put("no destination", "{\"routable_message\":\"" + b64(RoutableMessage.newBuilder()
                .setSessionInfoRequest(SessionInfoRequest.newBuilder().setPublicKey(ByteString.copyFrom(new byte[65])))
                .build()) + "\"}");
        bodies.put("a routing address, not a domain", "{\"routable_message\":\"" + b64(toVcsec()
                .setToDestination(Destination.newBuilder().setRoutingAddress(ByteString.copyFrom(new byte[16]))).build()) + "\"}");
        bodies.put("broadcast", "{\"routable_message\":\"" + b64(toVcsec()
                .setToDestination(Destination.newBuilder().setDomainValue(0)).build()) + "\"}");
        bodies.put("an unknown domain", "{\"routable_message\":\"" + b64(toVcsec()
                .setToDestination(Destination.newBuilder().setDomainValue(7)).build()) + "\"}");
        bodies.put("no payload", "{\"routable_message\":\"" + b64(toVcsec().clearSessionInfoRequest().build()) + "\"}");
        bodies.put("session info, which only a vehicle sends", "{\"routable_message\":\"" + b64(toVcsec()
                .setSessionInfo(ByteString.copyFrom(new byte[] {8, 1})).build()) + "\"}");
        return bodies;
    }

    /** A session request to VCSEC: valid until a test breaks one part of it. */
    private static RoutableMessage.Builder toVcsec() {
        return RoutableMessage.newBuilder()
                .setToDestination(Destination.newBuilder().setDomain(Domain.VCSEC.proto()))
                .setFromDestination(Destination.newBuilder().setRoutingAddress(ByteString.copyFrom(new byte[16])))
                .setSessionInfoRequest(SessionInfoRequest.newBuilder().setPublicKey(ByteString.copyFrom(new byte[65])));
    }

    private static String b64(RoutableMessage message) {
        return b64(message.toByteArray());
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static HttpResponse<byte[]> signedCommand(String vin, String body) {
        return harness.post("/api/1/vehicles/" + vin + "/signed_command", OPS.gatewayToken(), body);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
