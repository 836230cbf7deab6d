package io.fleetgate.region;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/**
 * A region's Fleet API host and its pools of keep-alive connections: calls only, nothing to
 * consume. Each event loop has a pool of its own, so a call and its connection share a thread:
 * a connection pooled across loops would hand every request and answer from one loop to the
 * other (a wake-up each way, ~6 % of a read's CPU). Callers off the event loops share one pool.
 */
final class FleetApiEndpoint extends DefaultEndpoint {
    private final Region region;
    private final Map<Thread, HttpClient> perEventLoop = new ConcurrentHashMap<>();
    private volatile HttpClient offLoop;

    FleetApiEndpoint(String uri, FleetApiComponent component, Region region) {
        super(uri, component);
        this.region = region;
    }

    @Override
    public FleetApiComponent getComponent() {
        return (FleetApiComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        FleetApiComponent component = getComponent();
        return new FleetApiCall(this, region, component.baseUrls().baseUrl(region),
                component.breakers().breaker(region), component.latency(), component.settings(), component::vertx, this::client);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("fleet-api: endpoints only call the Fleet API");
    }

    /**
     * The calling event loop's pool, made on its first call on that loop's own Vert.x: a client of
     * another Vert.x (the management server has one of its own) would put its connections on that
     * one's loops, and every call would go there and its answer come back as a task.
     */
    private HttpClient client() {
        if (Context.isOnEventLoopThread()) {
            Context calling = Vertx.currentContext();
            return perEventLoop.computeIfAbsent(Thread.currentThread(),
                    loop -> newClient(calling != null ? calling.owner() : getComponent().vertx()));
        }
        HttpClient c = offLoop;
        if (c == null) {
            synchronized (this) {
                c = offLoop;
                if (c == null) {
                    offLoop = c = newClient(getComponent().vertx());
                }
            }
        }
        return c;
    }

    private HttpClient newClient(Vertx vertx) {
        UpstreamClientSettings settings = getComponent().settings();
        return vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) settings.connectTimeout().toMillis())
                        .setVerifyHost(true),
                new PoolOptions().setHttp1MaxSize(settings.connectionsPerHost()));
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        List<HttpClient> clients = new ArrayList<>(perEventLoop.values());
        perEventLoop.clear();
        synchronized (this) {
            if (offLoop != null) {
                clients.add(offLoop);
                offLoop = null;
            }
        }
        clients.forEach(HttpClient::close);
    }
}
