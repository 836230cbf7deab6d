package io.fleetgate.telemetry.webhooks;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A webhook endpoint for tests: HTTPS on loopback with a self-signed certificate for localhost
 * (made with the JDK's keytool, since Netty's generator needs BouncyCastle's PKIX jar), recording
 * every request. Each path answers with the status its script gives for the n-th request (200
 * unless scripted). Fleetgate trusts the certificate through fleetgate.webhooks.trust-store.
 */
final class WebhookReceiver implements AutoCloseable {
    record Received(String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A key and certificate for localhost and 127.0.0.1: the PKCS#12 store the server uses and the PEM Fleetgate trusts. */
    record Certificate(Path keyStore, Path pem) {
        static final String PASSWORD = "changeit";

        static Certificate create(Path dir) throws Exception {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Path store = dir.resolve("receiver.p12");
            Path pem = dir.resolve("receiver.pem");
            run(keytool, "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
            run(keytool, "-exportcert", "-rfc", "-alias", "receiver", "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-file", pem.toString());
            return new Certificate(store, pem);
        }

        /**
         * What a Fleetgate delivering to this receiver is set to: loopback allowed, this certificate
         * trusted, a new group reading from the start, retries after 100 ms doubling to 300 ms for
         * up to 10 minutes, an open breaker skipping attempts for 200 ms.
         */
        Map<String, String> patientDelivery() {
            return Map.of("fleetgate.webhooks.allow-private-addresses", "true",
                    "fleetgate.webhooks.trust-store", pem.toString(),
                    "fleetgate.webhooks.auto-offset-reset", "earliest",
                    "fleetgate.webhooks.initial-delay-ms", "100",
                    "fleetgate.webhooks.max-delay-ms", "300",
                    "fleetgate.webhooks.budget-ms", "600000",
                    "fleetgate.webhooks.breaker-open-ms", "200");
        }

        private static void run(String... command) throws Exception {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, IntUnaryOperator> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final Certificate certificate;
    private HttpServer server;

    WebhookReceiver(Vertx vertx, Certificate certificate) {
        this.vertx = vertx;
        this.certificate = certificate;
    }

    /** The n-th request (1-based) to this path gets {@code status.applyAsInt(n)}. */
    void script(String path, IntUnaryOperator status) {
        scripts.put(path, status);
    }

    WebhookReceiver listen(int port) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(port)
                .setKeyCertOptions(new PfxOptions().setPath(certificate.keyStore().toString()).setPassword(Certificate.PASSWORD)));
        server.requestHandler(request -> request.body().onSuccess(body -> {
            Map<String, String> headers = new ConcurrentHashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            received.add(new Received(request.path(), headers, body.getBytes()));
            int n = counts.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
            int status = scripts.getOrDefault(request.path(), i -> 200).applyAsInt(n);
            request.response().setStatusCode(status).end();
        }));
        server.listen().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return this;
    }

    int port() {
        return server.actualPort();
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
