package io.fleetgate.telemetry.sse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.telemetry.EventTopic;
import io.fleetgate.telemetry.SignalMeter;
import io.fleetgate.telemetry.StreamedEvent;
import io.fleetgate.telemetry.TeslemetryEvents;
import io.fleetgate.telemetry.VehicleEventFeed;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One SSE client. Everything but {@link #offer} runs on the event loop the request came in on;
 * {@link #offer} is called on the feed's thread and only counts and hands over, so a client
 * that stops reading holds up nobody: its live events not yet written to the socket are
 * counted, and one beyond {@link SseSettings#bufferEvents()} ends the stream with an
 * {@code errors} event saying why.
 */
final class SseConnection implements VehicleEventFeed.CatchUp {
    private static final long PACE_NANOS = 5_000_000;

    private final SseRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final SseSettings settings;
    private final Predicate<String> locationField;
    private final SignalMeter meter;
    private final Runnable released;
    private final java.util.concurrent.atomic.LongAdder cutOffs;
    private final java.util.function.Supplier<java.util.Optional<String>> stillAllowed;
    /** Live events handed over and not yet written to the socket. */
    private final AtomicInteger unsent = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Live events handed over by the feed, not yet taken by the event loop. */
    private final Queue<StreamedEvent> pending = new ConcurrentLinkedQueue<>();
    /** True while a {@link #sendLive()} is due on the event loop. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private SseCursor cursor;
    private VehicleEventFeed.Subscription subscription;
    private long keepAliveTimer = -1;
    private long meteringTimer = -1;

    SseConnection(SseRequest request, HttpServerResponse response, Context context, SseSettings settings,
                  Predicate<String> locationField, SignalMeter meter, java.util.concurrent.atomic.LongAdder cutOffs,
                  java.util.function.Supplier<java.util.Optional<String>> stillAllowed, Runnable released) {
        this.cutOffs = cutOffs;
        this.stillAllowed = stillAllowed;
        this.request = request;
        this.response = response;
        this.context = context;
        this.settings = settings;
        this.locationField = locationField;
        this.meter = meter;
        this.released = released;
    }

    SseRequest request() {
        return request;
    }

    /** Starts the stream: headers, the cursor it begins at, the timers. On the event loop. */
    void begin(SseCursor start, VehicleEventFeed.Subscription live) {
        this.cursor = start;
        this.subscription = live;
        response.closeHandler(ignored -> finish());
        response.exceptionHandler(ignored -> finish());
        keepAliveTimer = context.owner().setPeriodic(settings.keepAlive().toMillis(), id -> {
            if (stopped.get()) {
                return;
            }
            // what was allowed when the stream opened is asked again, as often as the keep-alive
            java.util.Optional<String> refused = stillAllowed.get();
            if (refused.isPresent()) {
                endWith(errorsEvent("stream_not_allowed", refused.get()));
            } else {
                response.write(": keep-alive\n\n");
            }
        });
        meteringTimer = context.owner().setPeriodic(settings.meteringInterval().toMillis(), id -> meter.meter(false));
    }

    /** A last value, sent before any live event, with the cursor as its id. On the event loop. */
    void sendCached(StreamedEvent cached) {
        ObjectNode body = visible(cached.event().body());
        if (body != null) {
            response.write(frame(body));
        }
    }

    /**
     * A live event from the feed: on the feed's thread; never blocks. Events handed over while the
     * event loop is busy wait in {@link #pending} and go out in one write, so a fast feed costs one
     * event-loop task and one flush per batch, not per event.
     */
    void offer(StreamedEvent event) {
        if (stopped.get()) {
            return;
        }
        if (unsent.incrementAndGet() > settings.bufferEvents()) {
            if (stopped.compareAndSet(false, true)) {
                context.runOnContext(ignored -> cutOff());
            }
            return;
        }
        pending.add(event);
        if (draining.compareAndSet(false, true)) {
            context.runOnContext(ignored -> sendLive());
        }
    }

    /**
     * A resumed stream's catch-up waits here (on its own thread) while half the buffer is unsent,
     * so a long absence is replayed as fast as the client reads, not cut off for its size.
     */
    @Override
    public void pace() {
        int half = Math.max(1, settings.bufferEvents() / 2);
        while (!stopped.get() && unsent.get() >= half) {
            java.util.concurrent.locks.LockSupport.parkNanos(PACE_NANOS);
        }
    }

    /** What the client missed could not all be read: it is told, and the stream goes on after the gap. */
    @Override
    public void failed(String why) {
        context.runOnContext(ignored -> {
            if (!stopped.get()) {
                response.write(frame(errorsEvent("events_missed", "Some events since Last-Event-ID cannot be sent: "
                        + why + ". The stream goes on after them.")));
            }
        });
    }

    /** Writes what waits in {@link #pending} as one buffer. On the event loop. */
    private void sendLive() {
        draining.set(false);
        StringBuilder frames = new StringBuilder();
        int taken = 0;
        int signals = 0;
        for (StreamedEvent event; (event = pending.poll()) != null; ) {
            taken++;
            if (stopped.get()) {
                continue;
            }
            cursor = cursor.after(event.id());
            ObjectNode body = visible(event.event().body());
            if (body != null) {
                signals += event.event().topic() == EventTopic.DATA ? SignalMeter.signalsIn(body) : 0;
                // the event as it is, written once for every stream that sends it whole
                appendFrame(frames, body == event.event().body() ? event.json() : body.toString());
            }
        }
        if (frames.isEmpty()) {
            unsent.addAndGet(-taken);
            return;
        }
        int written = taken;
        int delivered = signals;
        response.write(frames.toString()).onComplete(done -> {
            unsent.addAndGet(-written);
            if (done.succeeded()) {
                meter.delivered(delivered);
            }
        });
    }

    /** The client fell too far behind: an errors event after what it has not read yet, then the end. */
    private void cutOff() {
        cutOffs.increment();
        ObjectNode error = errorsEvent("stream_buffer_full", "The client did not read fast enough: more than "
                + settings.bufferEvents() + " events waited for it, so the stream ends here. Reconnect with Last-Event-ID to resume.");
        endWith(error);
    }

    /** A last errors event (after what the client has not read yet), then the end. */
    private void endWith(ObjectNode error) {
        stop();
        response.end(frame(error)).onComplete(ended -> finish());
        // a client that never reads again would hold the connection forever
        context.owner().setTimer(settings.closeGrace().toMillis(), id -> {
            if (!finished.get()) {
                response.reset();
                finish();
            }
        });
    }

    /** An {@code errors} event of Fleetgate's own about this stream. */
    private ObjectNode errorsEvent(String name, String body) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        String now = TeslemetryEvents.createdAt(Instant.now());
        ObjectNode entry = error.putArray("errors").addObject();
        entry.put("createdAt", now);
        entry.put("name", name);
        entry.putObject("tags");
        entry.put("body", body);
        error.put("createdAt", now);
        if (request.vin() != null) {
            error.put("vin", request.vin());
        }
        return error;
    }

    /** Stops taking events (the client left, was cut off, or the replica stops). */
    void stop() {
        stopped.set(true);
        if (subscription != null) {
            subscription.close();
        }
        context.owner().cancelTimer(keepAliveTimer);
        context.owner().cancelTimer(meteringTimer);
    }

    /** Ends the stream from the server's side (the replica stops). */
    void end() {
        context.runOnContext(ignored -> {
            stop();
            if (!response.ended() && !response.closed()) {
                response.end();
            }
            finish();
        });
    }

    /** The connection is over: its slot freed, its last signals metered. Once. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        stop();
        released.run();
        meter.meter(true);
    }

    private String frame(ObjectNode body) {
        return appendFrame(new StringBuilder(), body.toString()).toString();
    }

    private StringBuilder appendFrame(StringBuilder frames, String json) {
        return frames.append("id: ").append(cursor).append("\ndata: ").append(json).append("\n\n");
    }

    /** The event as this caller may see it: location fields only with vehicle_location; null when nothing is left. */
    private ObjectNode visible(ObjectNode body) {
        JsonNode data = body.get("data");
        if (request.location() || data == null || !data.isObject()) {
            return body;
        }
        ObjectNode copy = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (locationField.test(field)) {
                if (copy == null) {
                    copy = body.deepCopy();
                }
                ((ObjectNode) copy.get("data")).remove(field);
            }
        }
        if (copy == null) {
            return body;
        }
        return copy.get("data").isEmpty() ? null : copy;
    }
}
