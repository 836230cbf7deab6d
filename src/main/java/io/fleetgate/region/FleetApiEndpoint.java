package io.fleetgate.region;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** A region's Fleet API host and its one pool of keep-alive connections: calls only, nothing to consume. */
final class FleetApiEndpoint extends DefaultEndpoint {
    private final Region region;
    private volatile HttpClient client;

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
                component.breakers().breaker(region), component.settings(), component::vertx, this::client);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("fleet-api: endpoints only call the Fleet API");
    }

    /** Made on the first call, on the HTTP server's Vert.x (which exists by then). */
    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    UpstreamClientSettings settings = getComponent().settings();
                    client = c = getComponent().vertx().createHttpClient(new HttpClientOptions()
                                    .setKeepAlive(true)
                                    .setConnectTimeout((int) settings.connectTimeout().toMillis())
                                    .setVerifyHost(true),
                            new PoolOptions().setHttp1MaxSize(settings.connectionsPerHost()));
                }
            }
        }
        return c;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        HttpClient c;
        synchronized (this) {
            c = client;
            client = null;
        }
        if (c != null) {
            c.close();
        }
    }
}
