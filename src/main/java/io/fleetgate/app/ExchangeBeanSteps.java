package io.fleetgate.app;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.AsyncCallback;
import org.apache.camel.BeanScope;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.BeanProcessorFactory;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.MessageHelper;
import org.apache.camel.support.PluginHelper;

/**
 * The routes' bean steps ({@code bean: ref: ..., method: ...}) whose method takes the exchange and
 * returns nothing call it straight: Camel's bean processor chooses the method, builds its arguments
 * and checks its access again on every call, about 6 % of a read's time on the event loop. It
 * behaves as Camel's does for such a method: a stream cached body is reset first, and what the
 * method throws is set on the exchange. Every other bean step (arguments bound from the body or
 * headers, a result that becomes the body, an overloaded name, a scope other than singleton, a bean
 * not yet bound when the route is made) is Camel's own.
 */
final class ExchangeBeanSteps implements BeanProcessorFactory {
    private final BeanProcessorFactory camels;

    private ExchangeBeanSteps(BeanProcessorFactory camels) {
        this.camels = camels;
    }

    /** In place of Camel's factory, before the routes are made. */
    static void install(CamelContext context) {
        context.getCamelContextExtension().addContextPlugin(BeanProcessorFactory.class,
                new ExchangeBeanSteps(PluginHelper.getBeanProcessorFactory(context)));
    }

    @Override
    public Processor createBeanProcessor(CamelContext context, Object bean, Method method) throws Exception {
        return camels.createBeanProcessor(context, bean, method);
    }

    @Override
    public Processor createBeanProcessor(CamelContext context, Object bean, String beanType, Class<?> beanClass, String ref,
            String method, BeanScope scope) throws Exception {
        if (bean == null && beanType == null && beanClass == null && ref != null && method != null
                && (scope == null || scope == BeanScope.Singleton)) {
            Processor direct = direct(context.getRegistry().lookupByName(ref), method);
            if (direct != null) {
                return direct;
            }
        }
        return camels.createBeanProcessor(context, bean, beanType, beanClass, ref, method, scope);
    }

    /** A step calling {@code bean.name(exchange)}, when that is the bean's only public method of that name; else null. */
    static Processor direct(Object bean, String name) {
        if (bean == null) {
            return null;
        }
        List<Method> named = Arrays.stream(bean.getClass().getMethods()).filter(m -> m.getName().equals(name)).toList();
        if (named.size() != 1) {
            return null;
        }
        Method method = named.getFirst();
        if (Modifier.isStatic(method.getModifiers()) || method.getReturnType() != void.class
                || method.getParameterCount() != 1 || method.getParameterTypes()[0] != Exchange.class
                || method.getParameterAnnotations()[0].length > 0) {
            return null;
        }
        try {
            // the bean's class may be package-private (Camel makes such a method accessible too)
            MethodHandle handle = MethodHandles.privateLookupIn(method.getDeclaringClass(), MethodHandles.lookup())
                    .unreflect(method).bindTo(bean).asType(MethodType.methodType(void.class, Exchange.class));
            return new ExchangeMethodStep(handle, bean.getClass().getSimpleName() + "." + name);
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    private static final class ExchangeMethodStep extends AsyncProcessorSupport {
        private final MethodHandle method;
        private final String name;

        ExchangeMethodStep(MethodHandle method, String name) {
            this.method = method;
            this.name = name;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            MessageHelper.resetStreamCache(exchange.getIn());
            try {
                method.invokeExact(exchange);
            } catch (Throwable failure) {
                exchange.setException(failure);
            }
            callback.done(true);
            return true;
        }

        @Override
        public String toString() {
            return "bean[" + name + "]";
        }
    }
}
