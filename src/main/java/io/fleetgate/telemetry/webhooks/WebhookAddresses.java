package io.fleetgate.telemetry.webhooks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where a webhook may point: https only, and (unless {@code fleetgate.webhooks.allow-private-addresses})
 * never at a private, loopback, link-local, unspecified or multicast address, so an account cannot
 * make Fleetgate call into its own network. Checked when an endpoint is created and again before
 * every delivery, since DNS can change; the delivery then connects to the address checked.
 */
public final class WebhookAddresses {
    /** Resolves a host name (the JDK's resolver in production; blocking, so never on an event loop). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Why a URL is refused; the message is fit for an admin API answer and a dead letter. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    public WebhookAddresses(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /** The URL as given, when it is an absolute https URL with a host and no user info. */
    public static URI parse(String text) throws Refused {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException | NullPointerException e) {
            throw new Refused("\"url\" is not a valid URL.");
        }
        if (url.getScheme() == null || !url.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
            throw new Refused("\"url\" must be an https URL.");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new Refused("\"url\" must name a host.");
        }
        if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new Refused("\"url\" must not carry user info or a fragment.");
        }
        return url;
    }

    /** The addresses the URL's host resolves to now, all allowed; the first is the one to connect to. */
    public List<InetAddress> resolve(URI url) throws Refused {
        InetAddress[] all;
        try {
            all = resolver.resolve(url.getHost());
        } catch (UnknownHostException e) {
            throw new Refused("the host " + url.getHost() + " does not resolve");
        }
        if (all == null || all.length == 0) {
            throw new Refused("the host " + url.getHost() + " does not resolve");
        }
        if (!allowPrivate) {
            for (InetAddress address : all) {
                if (isInternal(address)) {
                    throw new Refused("the host " + url.getHost() + " resolves to " + address.getHostAddress()
                            + ", a private, loopback or link-local address (not allowed for webhooks)");
                }
            }
        }
        return List.of(all);
    }

    /** Loopback, private (RFC 1918, IPv6 ULA), shared (100.64/10), link-local, unspecified or multicast. */
    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7, unique local
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException impossible) {
                    return true;
                }
            }
            return false;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 198 && (second == 18 || second == 19));
    }
}
