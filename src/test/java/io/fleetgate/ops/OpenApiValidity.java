package io.fleetgate.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with an OpenAPI 3.0 document, nothing when it is valid: the OpenAPI 3.0 JSON Schema
 * (what npm's swagger-parser checks; it finds e.g. a tag description that is null) and swagger-parser's
 * own reading (references that resolve, fields it does not expect).
 */
final class OpenApiValidity {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema OAS_30 = schema();

    private OpenApiValidity() {}

    static List<String> problems(String json) {
        List<String> problems = new ArrayList<>();
        try {
            for (ValidationMessage message : OAS_30.validate(JSON.readTree(json))) {
                problems.add("schema: " + message.getMessage());
            }
        } catch (IOException e) {
            problems.add("not JSON: " + e.getMessage());
            return problems;
        }
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
        if (result.getMessages() != null) {
            result.getMessages().forEach(message -> problems.add("swagger-parser: " + message));
        }
        if (result.getOpenAPI() == null) {
            problems.add("swagger-parser: not read as an OpenAPI document");
        }
        return problems;
    }

    private static JsonSchema schema() {
        try (InputStream in = OpenApiValidity.class.getResourceAsStream("/openapi/oas-3.0-schema.yaml")) {
            JsonNode schema = new ObjectMapper(new YAMLFactory()).readTree(in);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
