package io.fleetgate.region;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads where a 421 Misdirected Request says the account lives: the {@code Alt-Svc} header
 * ({@code h2=https://host}) first, then the body's {@code use base URL: https://host} text.
 * Only a configured regional base URL is ever accepted.
 */
public final class MisdirectedRequests {
    private static final Pattern ALT_SVC = Pattern.compile("h2=\"?([^\",;\\s]+)\"?");
    private static final Pattern BODY_URL = Pattern.compile("use base URL:\\s*(https?://[-A-Za-z0-9.:]+)");

    private final RegionalBaseUrls baseUrls;

    public MisdirectedRequests(RegionalBaseUrls baseUrls) {
        this.baseUrls = baseUrls;
    }

    public Optional<Region> correctRegion(String altSvc, String body) {
        Optional<Region> fromHeader = find(ALT_SVC, altSvc);
        return fromHeader.isPresent() ? fromHeader : find(BODY_URL, body);
    }

    private Optional<Region> find(Pattern pattern, String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            Optional<Region> region = baseUrls.regionOf(matcher.group(1));
            if (region.isPresent()) {
                return region;
            }
        }
        return Optional.empty();
    }
}
