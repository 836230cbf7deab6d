package io.fleetgate.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A command record on {@code fleetgate.commands.v1} (key: the VIN), from REST or any producer.
 * {@code command} is a Fleet API command name ({@code flash_lights}, ...), {@code wake_up} or
 * {@code signed_command}; {@code parameters} is its JSON body. See kafka/README.md.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandRequest(
        String id,
        @JsonProperty("account_id") String accountId,
        String vin,
        String command,
        JsonNode parameters,
        @JsonProperty("reply_to") String replyTo,
        @JsonProperty("received_at") Instant receivedAt,
        String source,
        @JsonProperty("client_ip") String clientIp,
        @JsonProperty("client_library") String clientLibrary,
        /** The name of the gateway token a REST caller presented (never its value); set by Fleetgate. */
        @JsonProperty("token_name") String tokenName) {

    public static final String WAKE_UP = "wake_up";
    public static final String SIGNED_COMMAND = "signed_command";

    /** The Fleet API path this command is sent to. */
    public String upstreamPath() {
        return switch (command) {
            case WAKE_UP -> "/api/1/vehicles/" + vin + "/wake_up";
            case SIGNED_COMMAND -> "/api/1/vehicles/" + vin + "/signed_command";
            default -> "/api/1/vehicles/" + vin + "/command/" + command;
        };
    }

    public String pathTemplate() {
        return switch (command) {
            case WAKE_UP -> "/api/1/vehicles/{vin}/wake_up";
            case SIGNED_COMMAND -> "/api/1/vehicles/{vin}/signed_command";
            default -> "/api/1/vehicles/{vin}/command/{command}";
        };
    }
}
