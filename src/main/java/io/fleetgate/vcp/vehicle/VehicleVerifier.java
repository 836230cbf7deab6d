package io.fleetgate.vcp.vehicle;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.FleetApiBodies;
import io.fleetgate.vcp.VcpException;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.MetadataSets;
import io.fleetgate.vcp.proto.Signatures;
import io.fleetgate.vcp.proto.Signatures.SignatureData;
import io.fleetgate.vcp.proto.Signatures.SignatureType;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.Flags;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.proto.UniversalMessage.MessageStatus;
import io.fleetgate.vcp.proto.UniversalMessage.OperationStatus_E;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * A simulated vehicle's command security: a key pair per domain, a keychain of paired client
 * keys, and a {@link DomainVerifier} per (domain, client key). {@link #answer} takes the bytes of
 * a RoutableMessage sent through {@code signed_command} and returns the vehicle's reply: signed
 * session info for a handshake, a fault (with session info where the protocol attaches it), or
 * the handler's reply, encrypted when the request asked for it.
 */
public final class VehicleVerifier {
    private static final int ENCRYPT_RESPONSE = 1 << Flags.FLAG_ENCRYPT_RESPONSE_VALUE;

    private record VerifierId(Domain domain, ByteString clientKey) {
    }

    private final byte[] vin;
    private final Map<Domain, EcKeyPair> domainKeys;
    private final Clock clock;
    private final RandomGenerator random;
    private final VerifierPolicy policy;
    private final Set<ByteString> keychain = ConcurrentHashMap.newKeySet();
    private final Map<VerifierId, DomainVerifier> verifiers = new ConcurrentHashMap<>();

    public VehicleVerifier(String vin, Map<Domain, EcKeyPair> domainKeys, Clock clock, RandomGenerator random,
                           VerifierPolicy policy) {
        this.vin = vin.getBytes(StandardCharsets.US_ASCII);
        this.domainKeys = new EnumMap<>(domainKeys);
        this.clock = clock;
        this.random = random;
        this.policy = policy;
    }

    /** A vehicle with fresh keys for both domains and the default policy. */
    public static VehicleVerifier withNewKeys(String vin, Clock clock, SecureRandom random) {
        Map<Domain, EcKeyPair> keys = new EnumMap<>(Domain.class);
        for (Domain domain : Domain.values()) {
            keys.put(domain, EcKeyPair.generate(random));
        }
        return new VehicleVerifier(vin, keys, clock, random, VerifierPolicy.defaults());
    }

    /** Adds a client key to the keychain (what tapping "approve" at tesla.com/_ak does). */
    public void pair(byte[] clientPublicKey) {
        keychain.add(ByteString.copyFrom(clientPublicKey));
    }

    public void unpair(byte[] clientPublicKey) {
        ByteString key = ByteString.copyFrom(clientPublicKey);
        keychain.remove(key);
        verifiers.keySet().removeIf(id -> id.clientKey().equals(key));
    }

    public boolean isPaired(byte[] clientPublicKey) {
        return keychain.contains(ByteString.copyFrom(clientPublicKey));
    }

    public byte[] publicKey(Domain domain) {
        return domainKeys.get(domain).publicKeyBytes();
    }

    /** The verifier for a paired client in a domain, created on first use. */
    public DomainVerifier verifier(Domain domain, byte[] clientPublicKey) throws InvalidKeyException {
        VerifierId id = new VerifierId(domain, ByteString.copyFrom(clientPublicKey));
        DomainVerifier existing = verifiers.get(id);
        if (existing != null) {
            return existing;
        }
        DomainVerifier created = new DomainVerifier(domain, vin, domainKeys.get(domain), clientPublicKey,
                clock, random, policy);
        DomainVerifier raced = verifiers.putIfAbsent(id, created);
        return raced == null ? created : raced;
    }

    /** A new epoch for every client of {@code domain}, as after the domain restarts. */
    public void rotateEpochs(Domain domain) {
        verifiers.forEach((id, verifier) -> {
            if (id.domain() == domain) {
                verifier.rotateEpoch();
            }
        });
    }

    /** {@link #answer} for JSON bodies: {@code {"routable_message"}} in, {@code {"response"}} out. */
    public String answerJson(String signedCommandBody, CommandHandler handler) throws VcpException {
        return FleetApiBodies.responseBody(answer(FleetApiBodies.routableMessageOf(signedCommandBody), handler));
    }

    public byte[] answer(byte[] request, CommandHandler handler) {
        RoutableMessage message;
        try {
            message = RoutableMessage.parseFrom(request);
        } catch (InvalidProtocolBufferException e) {
            return fault(RoutableMessage.newBuilder(), MessageFault_E.MESSAGEFAULT_ERROR_DECODING).build().toByteArray();
        }
        RoutableMessage.Builder reply = RoutableMessage.newBuilder()
                .setToDestination(message.getFromDestination())
                .setFromDestination(Destination.newBuilder().setDomainValue(message.getToDestination().getDomainValue()))
                .setRequestUuid(message.getUuid());
        Optional<Domain> domain = Domain.of(message.getToDestination().getDomain())
                .filter(d -> message.getToDestination().hasDomain() && domainKeys.containsKey(d));
        if (domain.isEmpty()) {
            return fault(reply, MessageFault_E.MESSAGEFAULT_ERROR_INVALID_DOMAINS).build().toByteArray();
        }
        return (message.hasSessionInfoRequest()
                ? handshake(domain.get(), message, reply)
                : command(domain.get(), message, reply, handler)).build().toByteArray();
    }

    private RoutableMessage.Builder handshake(Domain domain, RoutableMessage message, RoutableMessage.Builder reply) {
        byte[] clientKey = message.getSessionInfoRequest().getPublicKey().toByteArray();
        if (!isPaired(clientKey)) {
            return fault(reply, MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID);
        }
        try {
            return withSessionInfo(reply, verifier(domain, clientKey), message.getUuid().toByteArray());
        } catch (InvalidKeyException e) {
            return fault(reply, MessageFault_E.MESSAGEFAULT_ERROR_BAD_PARAMETER);
        }
    }

    private RoutableMessage.Builder command(Domain domain, RoutableMessage message, RoutableMessage.Builder reply,
                                            CommandHandler handler) {
        SignatureData sig = message.getSignatureData();
        if (!sig.hasHMACPersonalizedData() && !sig.hasAESGCMPersonalizedData()) {
            return fault(reply, MessageFault_E.MESSAGEFAULT_ERROR_BAD_PARAMETER);
        }
        byte[] clientKey = sig.getSignerIdentity().getPublicKey().toByteArray();
        if (!isPaired(clientKey)) {
            return fault(reply, MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID);
        }
        DomainVerifier verifier;
        byte[] plaintext;
        try {
            verifier = verifier(domain, clientKey);
            plaintext = verifier.verify(message);
        } catch (InvalidKeyException e) {
            return fault(reply, MessageFault_E.MESSAGEFAULT_ERROR_BAD_PARAMETER);
        } catch (VerificationFault e) {
            fault(reply, e.fault());
            if (e.withSessionInfo()) {
                withSessionInfo(reply, verifiers.get(new VerifierId(domain, ByteString.copyFrom(clientKey))),
                        message.getUuid().toByteArray());
            }
            return reply;
        }
        byte[] answer;
        try {
            answer = handler.execute(domain, plaintext);
        } catch (CommandHandler.Refusal e) {
            return fault(reply, e.fault());
        }
        if ((message.getFlags() & ENCRYPT_RESPONSE) == 0) {
            return reply.setProtobufMessageAsBytes(ByteString.copyFrom(answer));
        }
        byte[] requestHash = sig.hasHMACPersonalizedData()
                ? MetadataSets.requestHash(SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED,
                        sig.getHMACPersonalizedData().getTag().toByteArray(), domain.number())
                : MetadataSets.requestHash(SignatureType.SIGNATURE_TYPE_AES_GCM_PERSONALIZED,
                        sig.getAESGCMPersonalizedData().getTag().toByteArray(), domain.number());
        DomainVerifier.SealedReply sealed = verifier.seal(answer, requestHash, 0, 0);
        return reply.setProtobufMessageAsBytes(ByteString.copyFrom(sealed.ciphertext()))
                .setSignatureData(SignatureData.newBuilder().setAESGCMResponseData(
                        Signatures.AES_GCM_Response_Signature_Data.newBuilder()
                                .setNonce(ByteString.copyFrom(sealed.nonce()))
                                .setCounter((int) sealed.counter())
                                .setTag(ByteString.copyFrom(sealed.tag()))));
    }

    private static RoutableMessage.Builder withSessionInfo(RoutableMessage.Builder reply, DomainVerifier verifier,
                                                           byte[] challenge) {
        DomainVerifier.SignedInfo info = verifier.signedSessionInfo(challenge);
        return reply.setSessionInfo(ByteString.copyFrom(info.encoded()))
                .setSignatureData(SignatureData.newBuilder().setSessionInfoTag(
                        Signatures.HMAC_Signature_Data.newBuilder().setTag(ByteString.copyFrom(info.tag()))));
    }

    private static RoutableMessage.Builder fault(RoutableMessage.Builder reply, MessageFault_E fault) {
        return reply.setSignedMessageStatus(MessageStatus.newBuilder()
                .setOperationStatus(OperationStatus_E.OPERATIONSTATUS_ERROR)
                .setSignedMessageFault(fault));
    }
}
