package io.fleetgate.account;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Where an account's vehicle events are POSTed: an https URL, the secret that signs each body
 * (write-only: encrypted on the accounts topic, never shown), the event kinds wanted
 * ({@code data}, {@code alerts}, ...) and, when not empty, the only VINs wanted.
 */
public record WebhookEndpoint(String id, URI url, Secret secret, Set<String> topics, Set<String> vins, Instant createdAt) {
    public WebhookEndpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        topics = Set.copyOf(topics);
        vins = vins == null ? Set.of() : Set.copyOf(vins);
    }

    /** Whether an event of this kind for this VIN goes to this endpoint. */
    public boolean wants(String topic, String vin) {
        return topics.contains(topic) && (vins.isEmpty() || vins.contains(vin));
    }
}
