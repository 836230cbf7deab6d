package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;

/**
 * What one line of a usage report is broken down by: the endpoint (method and path template,
 * the command named), the gateway token's name and the client library; null when unknown.
 */
record UsageRow(String endpoint, String tokenName, String clientLibrary) {

    static UsageRow of(AuditEvent event) {
        return new UsageRow(endpoint(event.method(), event.pathTemplate(), event.command()), event.tokenName(),
                event.clientLibrary());
    }

    /** {@code POST /api/1/vehicles/{vin}/command/honk_horn}: method and path template, with the command named. */
    static String endpoint(String method, String pathTemplate, String command) {
        String template = pathTemplate;
        if (template == null) {
            return method + " (unknown path)";
        }
        if (command != null && template.endsWith("/{command}")) {
            template = template.substring(0, template.length() - "{command}".length()) + command;
        }
        return method + " " + template;
    }
}
