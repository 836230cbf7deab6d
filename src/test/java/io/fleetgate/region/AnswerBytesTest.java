package io.fleetgate.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnswerBytesTest {

    @Test
    void chunksMakeTheBodyWhetherTheLengthWasRightShortLongMissingOrNonsense() {
        byte[] body = "{\"response\":{\"vin\":\"5YJ3E1EA7KR000001\",\"state\":\"online\"}}".getBytes(StandardCharsets.UTF_8);
        for (String declared : new String[] {String.valueOf(body.length), "3", "100000", null, "-1", "many", " 57 "}) {
            AnswerBytes read = new AnswerBytes(declared);
            read.append(Buffer.buffer().appendBytes(body, 0, 10));
            read.append(Buffer.buffer());
            read.append(Buffer.buffer().appendBytes(body, 10, body.length - 10));

            assertThat(read.bytes()).as("Content-Length %s", declared).isEqualTo(body);
        }
    }

    @Test
    void noChunksIsAnEmptyBody() {
        assertThat(new AnswerBytes("0").bytes()).isEmpty();
        assertThat(new AnswerBytes("512").bytes()).isEmpty();
        assertThat(new AnswerBytes(null).bytes()).isEmpty();
    }

    @Test
    void aHugeDeclaredLengthIsNotTakenAtItsWord() {
        // 8 GB declared: sized at most MOST_SIZED_AHEAD ahead, and still whole when more comes
        AnswerBytes read = new AnswerBytes("8589934592");
        byte[] chunk = new byte[AnswerBytes.MOST_SIZED_AHEAD / 2 + 1];
        chunk[chunk.length - 1] = 7;
        read.append(Buffer.buffer(chunk));
        read.append(Buffer.buffer(chunk));

        byte[] bytes = read.bytes();
        assertThat(bytes).hasSize(2 * chunk.length);
        assertThat(bytes[chunk.length - 1]).isEqualTo((byte) 7);
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 7);
    }
}
