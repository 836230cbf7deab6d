package io.fleetgate.region;

import java.net.URI;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configured regional Fleet API base URLs: the only hosts Fleetgate ever calls.
 * A URL learned from upstream (a 421) is only ever mapped back onto one of these.
 */
public final class RegionalBaseUrls {
    private final Map<Region, URI> baseUrls = new EnumMap<>(Region.class);

    public RegionalBaseUrls(String na, String eu, String cn) {
        baseUrls.put(Region.NA, parse("na", na));
        baseUrls.put(Region.EU, parse("eu", eu));
        baseUrls.put(Region.CN, parse("cn", cn));
    }

    public String baseUrl(Region region) {
        return baseUrls.get(region).toString();
    }

    /** Which configured region a URL (or bare host) names; empty when it is none of them. */
    public Optional<Region> regionOf(String url) {
        URI candidate = toUri(url);
        if (candidate == null || candidate.getHost() == null) {
            return Optional.empty();
        }
        for (Map.Entry<Region, URI> entry : baseUrls.entrySet()) {
            if (sameOrigin(entry.getValue(), candidate)) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }

    private static boolean sameOrigin(URI configured, URI candidate) {
        if (!configured.getHost().equalsIgnoreCase(candidate.getHost())) {
            return false;
        }
        // a learned URL without an explicit scheme (Alt-Svc's authority form) matches on host and port
        String scheme = candidate.getScheme() == null ? configured.getScheme() : candidate.getScheme();
        return configured.getScheme().equalsIgnoreCase(scheme) && port(configured) == port(candidate, configured.getScheme());
    }

    /** The URL's port, or its scheme's when it names none. */
    static int port(URI uri) {
        return port(uri, uri.getScheme());
    }

    private static int port(URI uri, String defaultScheme) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        String scheme = uri.getScheme() == null ? defaultScheme : uri.getScheme();
        return "http".equalsIgnoreCase(scheme) ? 80 : 443;
    }

    private static URI toUri(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String text = url.trim();
        if (!text.contains("://")) {
            text = "//" + text;
        }
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static URI parse(String region, String url) {
        URI uri = toUri(url);
        if (uri == null || uri.getHost() == null || uri.getScheme() == null
                || !(uri.getScheme().toLowerCase(Locale.ROOT).matches("https?"))) {
            throw new IllegalArgumentException("fleetgate.regions." + region + ".base-url must be an http(s) URL, got: " + url);
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path);
    }
}
