package io.fleetgate.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The energy-site commands and the body fields the Fleet API documents for each (reference:
 * fleet-api.md section 5.4), checked before a command is sent: a missing or wrong field is 400
 * invalid_request naming it. The body is forwarded as it came, so its values must already be what
 * Tesla takes: JSON numbers and booleans, not strings (unlike vehicle commands, whose parameters
 * Fleetgate reads and signs itself). Fields the table does not name are ignored and forwarded, as
 * for vehicle commands.
 */
public final class EnergyCommands {

    /** What kind of JSON value a field holds. */
    public enum Kind {
        /** a JSON integer within [min, max] */
        INTEGER,
        /** a JSON boolean */
        BOOLEAN,
        /** a JSON string, one of the choices */
        CHOICE,
        /** a JSON object, holding the inner fields */
        OBJECT
    }

    /** One body field of an energy command. */
    public record Field(String name, Kind kind, boolean required, long min, long max, List<String> choices, List<Field> inner) {
        public Field {
            choices = List.copyOf(choices);
            inner = List.copyOf(inner);
        }

        static Field percent(String name) {
            return new Field(name, Kind.INTEGER, true, 0, 100, List.of(), List.of());
        }

        static Field bool(String name) {
            return new Field(name, Kind.BOOLEAN, true, 0, 0, List.of(), List.of());
        }

        static Field choice(String name, String... choices) {
            return new Field(name, Kind.CHOICE, true, 0, 0, List.of(choices), List.of());
        }

        static Field object(String name, Field... inner) {
            return new Field(name, Kind.OBJECT, true, 0, 0, List.of(), List.of(inner));
        }

        Field optional() {
            return new Field(name, kind, false, min, max, choices, inner);
        }
    }

    /**
     * One command: its fields, and whether at least one of its optional fields must be there
     * ({@code grid_import_export} changes one setting or both, but not none).
     */
    public record Command(String name, List<Field> fields, boolean atLeastOne) {
        public Command {
            fields = List.copyOf(fields);
        }
    }

    private static final Map<String, Command> TABLE = new LinkedHashMap<>();

    static {
        add(new Command("backup", List.of(Field.percent("backup_reserve_percent")), false));
        add(new Command("operation", List.of(Field.choice("default_real_mode", "self_consumption", "autonomous", "backup")), false));
        add(new Command("storm_mode", List.of(Field.bool("enabled")), false));
        add(new Command("off_grid_vehicle_charging_reserve",
                List.of(Field.percent("off_grid_vehicle_charging_reserve_percent")), false));
        add(new Command("grid_import_export", List.of(
                Field.bool("disallow_charge_from_grid_with_solar_installed").optional(),
                Field.choice("customer_preferred_export_rule", "battery_ok", "pv_only", "never").optional()), true));
        // the tariff itself (Tesla's example: PGE-EV2-A.json) is Tesla's to judge
        add(new Command("time_of_use_settings", List.of(Field.object("tou_settings", Field.object("tariff_content_v2"))), false));
    }

    /** The command names, in table order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(TABLE.keySet());
    }

    /** The command of that name, if it is one. */
    public static Optional<Command> command(String name) {
        return Optional.ofNullable(TABLE.get(name));
    }

    /**
     * Refuses an energy-site command whose body the Fleet API would refuse (400 invalid_request
     * naming the field), before anything is sent.
     */
    public void check(Exchange exchange) {
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        String template = request.pathTemplate();
        String name = template.substring(template.lastIndexOf('/') + 1);
        JsonNode body = IncomingRequest.parsedBody(exchange).orElse(null);
        problem(name, body).ifPresent(problem -> {
            throw GatewayError.invalidRequest("Invalid parameters for " + name + ": " + problem + ".");
        });
    }

    /** What is wrong with this body for the command (naming the field), or empty when nothing is. */
    public static Optional<String> problem(String name, JsonNode body) {
        Command command = TABLE.get(name);
        if (command == null) {
            throw new IllegalArgumentException("not an energy-site command: " + name);
        }
        if (body != null && !body.isObject()) {
            return Optional.of("the body must be a JSON object");
        }
        boolean anyPresent = false;
        for (Field field : command.fields()) {
            JsonNode value = body == null ? null : body.get(field.name());
            anyPresent |= value != null && !value.isNull();
            Optional<String> problem = problem(field, field.name(), value);
            if (problem.isPresent()) {
                return problem;
            }
        }
        if (command.atLeastOne() && !anyPresent) {
            return Optional.of("give " + String.join(" or ", command.fields().stream().map(Field::name).toList()) + ", or both");
        }
        return Optional.empty();
    }

    private static Optional<String> problem(Field field, String path, JsonNode value) {
        if (value == null || value.isNull() && field.required()) {
            return field.required() ? Optional.of("missing parameter " + path) : Optional.empty();
        }
        // an explicit null is no value of any kind: Tesla refuses it where the field is optional too
        return switch (field.kind()) {
            case INTEGER -> value.isIntegralNumber() && value.canConvertToLong()
                    && value.longValue() >= field.min() && value.longValue() <= field.max()
                    ? Optional.empty()
                    : Optional.of(path + " must be a whole number from " + field.min() + " to " + field.max());
            case BOOLEAN -> value.isBoolean() ? Optional.empty() : Optional.of(path + " must be true or false");
            case CHOICE -> value.isTextual() && field.choices().contains(value.textValue())
                    ? Optional.empty()
                    : Optional.of(path + " must be one of " + String.join(", ", field.choices()));
            case OBJECT -> {
                if (!value.isObject()) {
                    yield Optional.of(path + " must be a JSON object");
                }
                for (Field inner : field.inner()) {
                    Optional<String> problem = problem(inner, path + "." + inner.name(), value.get(inner.name()));
                    if (problem.isPresent()) {
                        yield problem;
                    }
                }
                yield Optional.empty();
            }
        };
    }

    private static void add(Command command) {
        TABLE.put(command.name(), command);
    }
}
