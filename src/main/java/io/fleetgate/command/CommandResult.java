package io.fleetgate.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * The one result of a command request, on {@code fleetgate.command-results.v1} (key: the VIN):
 * the status and body the Fleet API (or Fleetgate) answered, and what it took. The command's
 * own partition and offset tell a re-delivery of the same record from a second submission.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResult(
        String id,
        @JsonProperty("reply_to") String replyTo,
        @JsonProperty("account_id") String accountId,
        String vin,
        String command,
        int status,
        JsonNode response,
        @JsonProperty("content_type") String contentType,
        Map<String, String> headers,
        int attempts,
        @JsonProperty("woke_vehicle") boolean wokeVehicle,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("command_partition") Integer commandPartition,
        @JsonProperty("command_offset") Long commandOffset) {

    public CommandResult {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The same result, answered again for a later record with this id. */
    public CommandResult repliedTo(String newReplyTo) {
        return new CommandResult(id, newReplyTo, accountId, vin, command, status, response, contentType, headers,
                attempts, wokeVehicle, completedAt, commandPartition, commandOffset);
    }

    public boolean cameFrom(Integer partition, Long offset) {
        return commandPartition != null && commandPartition.equals(partition)
                && commandOffset != null && commandOffset.equals(offset);
    }
}
