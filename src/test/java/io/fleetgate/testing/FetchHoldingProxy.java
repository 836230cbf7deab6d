package io.fleetgate.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a Kafka broker (which must advertise the relay's port) that can hold
 * back consumers' fetch requests: topics are created, described and written as usual, but
 * nothing is read until {@link #releaseFetches()}. For a Fleetgate that is up but whose accounts
 * are not loaded yet. Only the client-to-broker direction is parsed (4-byte size, then the
 * request's 2-byte API key; Fetch is key 1); requests on one connection keep their order.
 */
public final class FetchHoldingProxy implements AutoCloseable {
    private static final short FETCH = 1;

    private final ServerSocket server;
    private final int brokerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean holding;
    private volatile boolean closed;

    /** Listens on a free loopback port now; relays to {@code brokerPort} once clients come. */
    public FetchHoldingProxy(int brokerPort) throws IOException {
        this.brokerPort = brokerPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("fetch-holding-proxy").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on fetch requests wait (and so does whatever follows them on their connection). */
    public void holdFetches() {
        holding = true;
    }

    public void releaseFetches() {
        synchronized (gate) {
            holding = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                sockets.add(client);
                sockets.add(broker);
                Thread.ofPlatform().daemon().start(() -> requests(client, broker));
                Thread.ofPlatform().daemon().start(() -> copy(broker, client));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void requests(Socket client, Socket broker) {
        try (DataInputStream in = new DataInputStream(client.getInputStream()); OutputStream out = broker.getOutputStream()) {
            while (true) {
                int size = in.readInt();
                byte[] request = new byte[size];
                in.readFully(request);
                short apiKey = (short) (((request[0] & 0xff) << 8) | (request[1] & 0xff));
                if (apiKey == FETCH) {
                    synchronized (gate) {
                        while (holding && !closed) {
                            gate.wait(100);
                        }
                    }
                }
                byte[] frame = new byte[4 + size];
                frame[0] = (byte) (size >>> 24);
                frame[1] = (byte) (size >>> 16);
                frame[2] = (byte) (size >>> 8);
                frame[3] = (byte) size;
                System.arraycopy(request, 0, frame, 4, size);
                out.write(frame);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
            closeQuietly(broker);
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        releaseFetches();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(FetchHoldingProxy::closeQuietly);
    }
}
