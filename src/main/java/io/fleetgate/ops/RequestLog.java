package io.fleetgate.ops;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditEventJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fleetgate.log.json=true}: one JSON line per request on the logger {@value #LOGGER},
 * holding exactly the audit event's fields. The event never holds a token, so neither does the line.
 */
public final class RequestLog {
    public static final String LOGGER = "fleetgate.requests";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    public void observe(AuditEvent event) {
        if (LOG.isInfoEnabled()) {
            LOG.info(AuditEventJson.write(event));
        }
    }
}
