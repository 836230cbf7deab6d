package io.fleetgate.vcp.session;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Faults;
import io.fleetgate.vcp.FleetApiBodies;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.VehicleCommand;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.MetadataSets;
import io.fleetgate.vcp.crypto.SharedKey;
import io.fleetgate.vcp.proto.Signatures;
import io.fleetgate.vcp.proto.Signatures.SessionInfo;
import io.fleetgate.vcp.proto.Signatures.SignatureType;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.Flags;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.OperationStatus_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import io.fleetgate.vcp.proto.UniversalMessage.SessionInfoRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Fleetgate's signer for the Fleet API path (HMAC-personalized): handshakes per VIN and domain,
 * signs commands, and reads the replies into {@link CommandOutcome}s. Thread-safe; sessions live
 * in a bounded {@link SessionCache}.
 *
 * <p>Flow per attempt: if {@link #hasSession} is false, send {@link #sessionRequest} and pass the
 * reply to {@link #acceptSessionInfo}; then send {@link #sign} and pass its reply to
 * {@link #decode}. The outcome's verdict tells {@link io.fleetgate.vcp.SignedRetryPolicy} what next.
 */
public final class VcpClient {
    public static final Duration DEFAULT_COMMAND_LIFETIME = Duration.ofSeconds(10);
    /** Session info that arrives later than this after its request is discarded (Fleet API bound). */
    public static final Duration DEFAULT_MAX_LATENCY = Duration.ofSeconds(10);
    static final int UUID_LENGTH = 16;
    private static final int ENCRYPT_RESPONSE = 1 << Flags.FLAG_ENCRYPT_RESPONSE_VALUE;

    private final EcKeyPair key;
    private final String pairingDomain;
    private final Clock clock;
    private final RandomGenerator random;
    private final SessionCache sessions;
    private final Duration commandLifetime;
    private final Duration maxLatency;
    private final ReplyReader replies;

    public VcpClient(EcKeyPair key, String pairingDomain, Clock clock, RandomGenerator random,
                     int maxVehicles, Duration commandLifetime, Duration maxLatency) {
        this.key = key;
        this.pairingDomain = pairingDomain;
        this.clock = clock;
        this.random = random;
        this.sessions = new SessionCache(maxVehicles);
        this.commandLifetime = commandLifetime;
        this.maxLatency = maxLatency;
        this.replies = new ReplyReader(sessions, pairingDomain, clock, maxLatency);
    }

    /** Defaults: 10,000 vehicles, commands valid 10 s, session info accepted within 10 s. */
    public VcpClient(EcKeyPair key, String pairingDomain, Clock clock, RandomGenerator random) {
        this(key, pairingDomain, clock, random, SessionCache.DEFAULT_MAX_VEHICLES,
                DEFAULT_COMMAND_LIFETIME, DEFAULT_MAX_LATENCY);
    }

    public boolean hasSession(String vin, Domain domain) {
        return sessions.get(vin, domain).isPresent();
    }

    /** Step 1 of a handshake: our public key, a fresh uuid (the challenge) and routing address. */
    public HandshakeRequest sessionRequest(String vin, Domain domain) {
        byte[] uuid = randomBytes(UUID_LENGTH);
        RoutableMessage message = RoutableMessage.newBuilder()
                .setToDestination(Destination.newBuilder().setDomain(domain.proto()))
                .setFromDestination(Destination.newBuilder().setRoutingAddress(ByteString.copyFrom(randomBytes(16))))
                .setSessionInfoRequest(SessionInfoRequest.newBuilder()
                        .setPublicKey(ByteString.copyFrom(key.publicKeyBytes())))
                .setUuid(ByteString.copyFrom(uuid))
                .build();
        return new HandshakeRequest(vin, domain, uuid, clock.instant(), message.toByteArray());
    }

    public CommandOutcome acceptSessionInfo(HandshakeRequest request, String responseBody) {
        try {
            return acceptSessionInfo(request, FleetApiBodies.responseOf(responseBody));
        } catch (VcpException e) {
            return CommandOutcome.of(Verdict.STALE_SESSION, "unreadable session info reply: " + e.getMessage());
        }
    }

    /**
     * Step 2: authenticates the vehicle's SessionInfo (its tag, with our uuid as challenge) and
     * stores the session. SUCCEEDED when a session is ready; otherwise the verdict says why.
     */
    public CommandOutcome acceptSessionInfo(HandshakeRequest request, byte[] reply) {
        RoutableMessage message;
        try {
            message = RoutableMessage.parseFrom(reply);
        } catch (InvalidProtocolBufferException e) {
            return CommandOutcome.of(Verdict.STALE_SESSION, "unreadable session info reply");
        }
        MessageFault_E fault = message.getSignedMessageStatus().getSignedMessageFault();
        if (fault != MessageFault_E.MESSAGEFAULT_ERROR_NONE) {
            Verdict verdict = Faults.verdict(fault);
            return new CommandOutcome(verdict == Verdict.SUCCEEDED ? Verdict.PERMANENT : verdict,
                    Faults.reason(fault, pairingDomain), fault, null);
        }
        Instant now = clock.instant();
        if (!message.getRequestUuid().isEmpty() && !Arrays.equals(message.getRequestUuid().toByteArray(), request.uuid())) {
            return CommandOutcome.of(Verdict.STALE_SESSION, "session info answers another request");
        }
        if (Duration.between(request.sentAt(), now).compareTo(maxLatency) > 0) {
            return CommandOutcome.of(Verdict.STALE_SESSION, "session info arrived too late");
        }
        if (!message.hasSessionInfo()) {
            return message.getSignedMessageStatus().getOperationStatus() == OperationStatus_E.OPERATIONSTATUS_WAIT
                    ? CommandOutcome.of(Verdict.BUSY, "vehicle busy")
                    : CommandOutcome.of(Verdict.STALE_SESSION, "reply carries no session info");
        }
        SessionInfo info;
        try {
            info = SessionInfo.parseFrom(message.getSessionInfo());
        } catch (InvalidProtocolBufferException e) {
            return CommandOutcome.of(Verdict.STALE_SESSION, "unreadable session info");
        }
        if (info.getStatus() == Signatures.Session_Info_Status.SESSION_INFO_STATUS_KEY_NOT_ON_WHITELIST) {
            return new CommandOutcome(Verdict.PERMANENT, Faults.keyNotPaired(pairingDomain),
                    MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID, null);
        }
        SharedKey shared;
        try {
            shared = SharedKey.agree(key, info.getPublicKey().toByteArray());
        } catch (InvalidKeyException e) {
            return CommandOutcome.of(Verdict.STALE_SESSION, "vehicle sent an invalid public key");
        }
        byte[] vin = request.vin().getBytes(StandardCharsets.US_ASCII);
        byte[] expected = shared.sessionInfoTag(vin, request.uuid(), message.getSessionInfo().toByteArray());
        if (!SharedKey.tagsEqual(expected, message.getSignatureData().getSessionInfoTag().getTag().toByteArray())) {
            return CommandOutcome.of(Verdict.STALE_SESSION, "session info failed authentication");
        }
        install(request, shared, info, now);
        return CommandOutcome.succeeded(null);
    }

    private void install(HandshakeRequest request, SharedKey shared, SessionInfo info, Instant now) {
        synchronized (sessions) {
            Session current = sessions.get(request.vin(), request.domain()).orElse(null);
            // same vehicle key: resync in place so counters already handed out are never reused
            if (current != null && Arrays.equals(current.vehiclePublicKey(), info.getPublicKey().toByteArray())) {
                current.update(info, now);
            } else {
                sessions.put(new Session(request.vin(), request.domain(), shared, info, now));
            }
        }
    }

    /** Signs {@code command} with the next counter of its domain's session. */
    public SignedCommand sign(String vin, VehicleCommand command) throws VcpException {
        Session session = sessions.get(vin, command.domain()).orElseThrow(() -> new VcpException(
                Verdict.STALE_SESSION, "no session with " + command.domain() + " of " + vin + "; handshake first"));
        byte[] payload = command.payload();
        Instant now = clock.instant();
        Session.Signature signature;
        try {
            signature = session.signHmac(payload, ENCRYPT_RESPONSE, now, commandLifetime);
        } catch (VcpException e) {
            sessions.remove(session);
            throw e;
        }
        byte[] uuid = randomBytes(UUID_LENGTH);
        RoutableMessage message = RoutableMessage.newBuilder()
                .setToDestination(Destination.newBuilder().setDomain(command.domain().proto()))
                .setFromDestination(Destination.newBuilder().setRoutingAddress(ByteString.copyFrom(randomBytes(16))))
                .setProtobufMessageAsBytes(ByteString.copyFrom(payload))
                .setSignatureData(Signatures.SignatureData.newBuilder()
                        .setSignerIdentity(Signatures.KeyIdentity.newBuilder()
                                .setPublicKey(ByteString.copyFrom(key.publicKeyBytes())))
                        .setHMACPersonalizedData(Signatures.HMAC_Personalized_Signature_Data.newBuilder()
                                .setEpoch(ByteString.copyFrom(signature.epoch()))
                                .setCounter((int) signature.counter())
                                .setExpiresAt((int) signature.expiresAt())
                                .setTag(ByteString.copyFrom(signature.tag()))))
                .setUuid(ByteString.copyFrom(uuid))
                .setFlags(ENCRYPT_RESPONSE)
                .build();
        byte[] requestHash = MetadataSets.requestHash(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED,
                signature.tag(), command.domain().number());
        return new SignedCommand(command, session, uuid, signature.counter(), signature.expiresAt(),
                requestHash, now, message.toByteArray());
    }

    /** Reads the 200 answer of {@code signed_command} for {@code command}. */
    public CommandOutcome decode(SignedCommand command, String responseBody) {
        try {
            return decode(command, FleetApiBodies.responseOf(responseBody));
        } catch (VcpException e) {
            return e.outcome();
        }
    }

    /**
     * Reads the vehicle's reply: applies session info attached to a fault (so the next
     * {@link #sign} is already resynced), authenticates and decrypts the payload, and maps
     * faults and application results to a verdict and reason.
     */
    public CommandOutcome decode(SignedCommand command, byte[] reply) {
        return replies.read(command, reply);
    }

    /** Forgets every session with {@code vin}. */
    public void forget(String vin) {
        sessions.removeVehicle(vin);
    }

    public SessionCache sessions() {
        return sessions;
    }

    public EcKeyPair key() {
        return key;
    }

    public String pairingLink() {
        return Faults.pairingLink(pairingDomain);
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        // callers may inject a generator that is not thread-safe (a seeded one in tests)
        synchronized (random) {
            random.nextBytes(bytes);
        }
        return bytes;
    }
}
