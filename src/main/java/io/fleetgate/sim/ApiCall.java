package io.fleetgate.sim;

import io.fleetgate.vcp.DecodedAction;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * An authenticated request on a regional server, as the endpoint handlers see it.
 *
 * @param user      the token's owner, already known to be in this server's region
 * @param ctx       the Vert.x routing context (path parameters, query, body)
 * @param gatesOpen true when a script said "answer 2xx like the real endpoint": state, signing and
 *                  scope checks are skipped so the endpoint's success payload comes out
 */
record ApiCall(SimUser user, RoutingContext ctx, boolean gatesOpen) {

    String pathParam(String name) {
        return ctx.pathParam(name);
    }

    /**
     * The first value of a query parameter, URL-decoded. Parsed from the raw query so that a
     * literal {@code ;} (the {@code endpoints} separator) is not taken as a parameter separator.
     */
    Optional<String> query(String name) {
        String raw = ctx.request().query();
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    String bodyText() {
        String text = ctx.body() == null ? null : ctx.body().asString();
        return text == null ? "" : text;
    }

    /** Leaves what an executed signed command asked for (name and decoded action) for the request log. */
    void noteSignedCommand(DecodedAction action) {
        ctx.put(RegionalRouter.SIGNED_COMMAND, action);
    }

    /** True when the gates are open or the user holds at least one of the scopes. */
    boolean allows(Set<String> anyOfScopes) {
        return gatesOpen || anyOfScopes.isEmpty() || anyOfScopes.stream().anyMatch(user::hasScope);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }
}
