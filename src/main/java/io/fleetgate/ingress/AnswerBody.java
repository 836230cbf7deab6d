package io.fleetgate.ingress;

import java.nio.ByteBuffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The answer's bytes as a {@link ByteBuffer}, the last step before platform-http writes the
 * answer. platform-http writes a String, an InputStream, a Vert.x Buffer or a ByteBuffer as they
 * are, but anything else (a byte[], which is what the Fleet API's answer is here) it first
 * converts to an InputStream and pumps to the connection, reading each chunk on a worker thread:
 * a fifth of the read path's CPU in the benchmark's profile. A ByteBuffer it writes at once, with
 * its Content-Length (a Buffer would go out chunked).
 */
public final class AnswerBody {

    /** Takes the exchange, not the message: such a bean step is called straight (see ExchangeBeanSteps). */
    public void asByteBuffer(Exchange exchange) {
        Message answer = exchange.getMessage();
        if (answer.getBody() instanceof byte[] bytes) {
            answer.setBody(ByteBuffer.wrap(bytes));
        }
    }
}
