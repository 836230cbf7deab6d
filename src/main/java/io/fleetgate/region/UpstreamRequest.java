package io.fleetgate.region;

import io.fleetgate.account.Account;
import io.fleetgate.ingress.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Builds the request Fleetgate sends upstream from what ingress captured: same method, path,
 * query (without the gateway token) and body, with the account's own Tesla token. The route
 * has removed every incoming header before this runs, so nothing else of the caller leaks.
 */
public final class UpstreamRequest {
    private final String userAgent;

    public UpstreamRequest(String userAgent) {
        this.userAgent = userAgent;
    }

    /**
     * Counts a call to the Fleet API (the audit's attempts) and builds it: a call the region's
     * circuit breaker refuses, or that gets no answer, is an attempt too, as it is for commands.
     */
    public void countAndPrepareCall(Exchange exchange) {
        Integer calls = exchange.getProperty(ExchangeKeys.UPSTREAM_CALLS, Integer.class);
        exchange.setProperty(ExchangeKeys.UPSTREAM_CALLS, calls == null ? 1 : calls + 1);
        prepare(exchange);
    }

    void prepare(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Message out = exchange.getMessage();
        out.setHeader(Exchange.HTTP_METHOD, exchange.getProperty(ExchangeKeys.METHOD, String.class));
        out.setHeader(Exchange.HTTP_PATH, exchange.getProperty(ExchangeKeys.PATH, String.class));
        String query = exchange.getProperty(ExchangeKeys.QUERY, String.class);
        if (query != null) {
            out.setHeader(Exchange.HTTP_RAW_QUERY, query);
        }
        out.setHeader("Authorization", "Bearer " + account.teslaAccessToken().reveal());
        out.setHeader("Accept", "application/json");
        out.setHeader("User-Agent", userAgent);
        byte[] body = exchange.getProperty(ExchangeKeys.REQUEST_BODY, byte[].class);
        if (body != null) {
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        out.setBody(body);
    }

    /**
     * The headers of an upstream answer a caller may see, besides its status: Content-Type,
     * Retry-After, RateLimit-* and Alt-Svc (which the regional router reads, then drops).
     */
    static boolean isAnswerHeader(String name) {
        return name.equalsIgnoreCase(Exchange.HTTP_RESPONSE_CODE)
                || name.equalsIgnoreCase("Content-Type")
                || name.equalsIgnoreCase("Retry-After")
                || name.equalsIgnoreCase("Alt-Svc")
                || name.regionMatches(true, 0, "RateLimit-", 0, "RateLimit-".length());
    }
}
