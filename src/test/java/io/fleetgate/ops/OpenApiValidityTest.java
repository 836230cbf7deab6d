package io.fleetgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The validators the document is held to find what issue 22 found: they are no rubber stamp. */
class OpenApiValidityTest {
    private static final String VALID = """
            {"openapi":"3.0.3","info":{"title":"t","version":"1"},
             "tags":[{"name":"gateway","description":"own"}],
             "paths":{"/api/ping":{"get":{"operationId":"ping","responses":{"200":{"description":"pong"}}}}}}""";

    @Test
    void acceptsAMinimalDocument() {
        assertThat(OpenApiValidity.problems(VALID)).isEmpty();
    }

    @Test
    void findsATagDescriptionThatIsNull() {
        assertThat(OpenApiValidity.problems(VALID.replace("\"own\"", "null"))).isNotEmpty();
    }

    @Test
    void findsAnOperationWithoutResponsesAndADanglingReference() {
        assertThat(OpenApiValidity.problems(VALID.replace("\"responses\":{\"200\":{\"description\":\"pong\"}}", "\"x\":1")))
                .isNotEmpty();
        assertThat(OpenApiValidity.problems(VALID.replace("\"description\":\"pong\"",
                "\"description\":\"pong\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Nope\"}}}")))
                .isNotEmpty();
    }
}
