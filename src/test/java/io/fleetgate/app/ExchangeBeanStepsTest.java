package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * A bean step whose method takes the exchange and returns nothing is called straight, and behaves
 * as Camel's bean step does: the exchange as the method left it, a failure set on the exchange for
 * the routes' error handling, a stream cached body read again from its start. Every other bean
 * step is Camel's own.
 */
class ExchangeBeanStepsTest {

    /** Package-private, as several of Fleetgate's beans are. */
    static final class Steps {
        final List<String> calls = new ArrayList<>();

        public void mark(Exchange exchange) {
            calls.add("mark");
            exchange.getMessage().setHeader("marked", true);
            exchange.setProperty("seen", exchange.getMessage().getBody(String.class));
        }

        public void refuse(Exchange exchange) throws Exception {
            throw new java.io.IOException("refused " + exchange.getMessage().getBody(String.class));
        }

        public String shout(String body) {
            return body.toUpperCase(java.util.Locale.ROOT);
        }

        public void twice(Exchange exchange) {
            calls.add("twice(Exchange)");
        }

        public void twice(Exchange exchange, String body) {
            calls.add("twice(Exchange, String)");
        }
    }

    @Test
    void onlyAnExchangeMethodReturningNothingIsCalledStraight() {
        Steps steps = new Steps();
        assertThat(ExchangeBeanSteps.direct(steps, "mark")).isNotNull();
        assertThat(ExchangeBeanSteps.direct(steps, "refuse")).isNotNull();
        assertThat(ExchangeBeanSteps.direct(steps, "shout")).as("its result becomes the body: Camel's").isNull();
        assertThat(ExchangeBeanSteps.direct(steps, "twice")).as("overloaded: Camel chooses").isNull();
        assertThat(ExchangeBeanSteps.direct(steps, "absent")).isNull();
        assertThat(ExchangeBeanSteps.direct(null, "mark")).isNull();
    }

    @Test
    void routesCallTheMethodStraightAndKeepCamelsBehaviour() throws Exception {
        Steps steps = new Steps();
        try (CamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("steps", steps);
            ExchangeBeanSteps.install(context);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    onException(java.io.IOException.class).handled(true)
                            .setBody(simple("handled: ${exception.message}"));
                    from("direct:mark").routeId("mark").bean("steps", "mark").bean("steps", "shout");
                    from("direct:refuse").routeId("refuse").bean("steps", "refuse").setBody(constant("not reached"));
                }
            });
            context.start();
            ProducerTemplate template = context.createProducerTemplate();

            Exchange marked = template.request("direct:mark", e -> e.getMessage().setBody("hello"));
            assertThat(marked.getException()).isNull();
            assertThat(marked.getMessage().getHeader("marked")).isEqualTo(true);
            assertThat(marked.getProperty("seen")).isEqualTo("hello");
            assertThat(marked.getMessage().getBody(String.class)).as("Camel's bean step after it").isEqualTo("HELLO");
            assertThat(steps.calls).containsExactly("mark");
            assertThat(beanSteps(context, "mark")).containsExactly("bean[Steps.mark]", "BeanProcessor");

            assertThat(template.requestBody("direct:refuse", "this", String.class)).isEqualTo("handled: refused this");

            // a stream cached body is read from its start by the method, as Camel resets it before a call
            Exchange cached = template.request("direct:mark", e -> {
                InputStreamCache body = new InputStreamCache("streamed".getBytes());
                body.read(new byte[8]);
                e.getMessage().setBody(body);
            });
            assertThat(cached.getProperty("seen")).isEqualTo("streamed");
        }
    }

    /** The route's bean steps as made: ours by their name, Camel's by their class. */
    private static List<String> beanSteps(CamelContext context, String routeId) {
        List<String> found = new ArrayList<>();
        collect(context.getRoute(routeId).navigate(), found);
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void collect(Navigate<Processor> node, List<String> found) {
        if (node == null || !node.hasNext()) {
            return;
        }
        for (Processor processor : node.next()) {
            if (processor.toString().startsWith("bean[")) {
                found.add(processor.toString());
            } else if (processor.getClass().getSimpleName().equals("BeanProcessor")) {
                found.add("BeanProcessor");
            }
            if (processor instanceof Navigate<?> child) {
                collect((Navigate<Processor>) child, found);
            }
        }
    }
}
