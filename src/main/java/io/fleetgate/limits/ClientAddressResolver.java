package io.fleetgate.limits;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Decides which address a request comes from. It is the socket peer, unless the peer is one of
 * our trusted proxies: then it is the address the nearest untrusted hop was seen at, read from
 * {@code X-Forwarded-For} right to left (each proxy appends what it saw, so only the entries to
 * the right of the first untrusted one were written by proxies we trust). A client that is not a
 * trusted proxy cannot choose its address by sending the header.
 */
public final class ClientAddressResolver {
    private final List<Cidr> trusted;

    /**
     * @param trustedCidrs the networks of the proxies in front of Fleetgate, e.g. {@code 10.0.0.0/8},
     *     {@code fd00::/8}; blank entries are ignored
     * @throws IllegalArgumentException for an entry that is not a CIDR block: a typo in this
     *     setting must stop startup, not quietly trust nobody (or everybody)
     */
    public ClientAddressResolver(List<String> trustedCidrs) {
        this.trusted = trustedCidrs.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
    }

    /**
     * @param socketPeerIp the address of the connection's other end
     * @param xForwardedFor the {@code X-Forwarded-For} header (several headers joined with commas), or null
     * @return the client's address in its usual text form; the peer text as given if it is not an IP
     */
    public String clientIp(String socketPeerIp, String xForwardedFor) {
        Optional<InetAddress> peer = IpLiteral.parse(socketPeerIp);
        if (peer.isEmpty()) {
            return socketPeerIp == null || socketPeerIp.isBlank() ? "unknown" : socketPeerIp.trim();
        }
        InetAddress client = peer.get();
        if (!isTrusted(client) || xForwardedFor == null) {
            return IpLiteral.format(client);
        }
        String[] hops = xForwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            if (hops[i].isBlank()) {
                continue;
            }
            Optional<InetAddress> hop = IpLiteral.parse(hops[i]);
            if (hop.isEmpty()) {
                // whatever wrote this was not a proxy we can read: keep the nearest hop we trust
                break;
            }
            client = hop.get();
            if (!isTrusted(client)) {
                break;
            }
        }
        return IpLiteral.format(client);
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
