package io.fleetgate.ingress;

import org.apache.camel.Exchange;

/** Classifies the captured request against the endpoint table for the routes to decide on. */
public final class RequestClassifier {
    private final FleetApiCatalog catalog;

    public RequestClassifier(FleetApiCatalog catalog) {
        this.catalog = catalog;
    }

    public void classify(Exchange exchange) {
        Classification classification = catalog.classify(
                exchange.getProperty(ExchangeKeys.METHOD, String.class),
                exchange.getProperty(ExchangeKeys.PATH, String.class));
        exchange.setProperty(ExchangeKeys.CLASSIFICATION, classification);
        exchange.setProperty(ExchangeKeys.ENDPOINT_CLASS, classification.endpointClass().name());
    }
}
