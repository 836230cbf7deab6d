package io.fleetgate.region;

import io.fleetgate.account.Account;
import io.fleetgate.ingress.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

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
     * Counts a call to the Fleet API (the audit's attempts), before the region's circuit breaker:
     * the breaker runs the call on a copy of the exchange and keeps nothing of it when no answer
     * came, and a call it refuses is an attempt too, as it is for commands.
     */
    public void countCall(Exchange exchange) {
        Integer calls = exchange.getProperty(ExchangeKeys.UPSTREAM_CALLS, Integer.class);
        exchange.setProperty(ExchangeKeys.UPSTREAM_CALLS, calls == null ? 1 : calls + 1);
    }

    public void prepare(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Message out = exchange.getMessage();
        out.setHeader(Exchange.HTTP_METHOD, httpMethod(exchange.getProperty(ExchangeKeys.METHOD, String.class)));
        out.setHeader(Exchange.HTTP_PATH, exchange.getProperty(ExchangeKeys.PATH, String.class));
        String query = exchange.getProperty(ExchangeKeys.QUERY, String.class);
        if (query != null) {
            out.setHeader(Exchange.HTTP_RAW_QUERY, query);
            out.setHeader(Exchange.HTTP_QUERY, query);
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
     * Drops every header of the upstream answer except its status and the ones a caller may see:
     * Content-Type, Retry-After, RateLimit-* and Alt-Svc (which the regional router reads).
     */
    public void keepAnswerHeaders(Exchange exchange) {
        exchange.getMessage().getHeaders().keySet().removeIf(name -> !isAnswerHeader(name));
    }

    static boolean isAnswerHeader(String name) {
        return name.equalsIgnoreCase(Exchange.HTTP_RESPONSE_CODE)
                || name.equalsIgnoreCase("Content-Type")
                || name.equalsIgnoreCase("Retry-After")
                || name.equalsIgnoreCase("Alt-Svc")
                || name.regionMatches(true, 0, "RateLimit-", 0, "RateLimit-".length());
    }

    /**
     * The enum camel-http asks for: given a String, Camel searches its converter registry on every
     * call (a fifth of the read path's CPU in the benchmark's profile).
     */
    private static Object httpMethod(String method) {
        try {
            return HttpMethods.valueOf(method);
        } catch (IllegalArgumentException | NullPointerException unusual) {
            return method;
        }
    }
}
