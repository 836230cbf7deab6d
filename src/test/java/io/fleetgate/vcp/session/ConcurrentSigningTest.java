package io.fleetgate.vcp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Kat;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.vehicle.VerifierPolicy;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Concurrent commands to one vehicle never share a counter. */
class ConcurrentSigningTest {
    private static final String VIN = "5YJ3E1EA6LF000003";

    @Test
    void aThousandConcurrentSigningsGetAThousandCountersAllAcceptedOnce() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
        VcpClient client = new VcpClient(EcKeyPair.fromScalarHex(Kat.F_SIGNER_SCALAR), "fleetgate.example", clock,
                new SecureRandom());
        SimulatedVehicle car = new SimulatedVehicle(VIN, clock, VerifierPolicy.defaults());
        car.vehicle.pair(client.key().publicKeyBytes());
        car.handshakeOrFail(client, Domain.INFOTAINMENT);

        CountDownLatch start = new CountDownLatch(1);
        List<Callable<SignedCommand>> tasks = IntStream.range(0, 1000).<Callable<SignedCommand>>mapToObj(i -> () -> {
            start.await();
            return client.sign(VIN, Commands.named("flash_lights"));
        }).toList();
        List<SignedCommand> signed;
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            List<Future<SignedCommand>> futures = tasks.stream().map(pool::submit).toList();
            start.countDown();
            signed = futures.stream().map(ConcurrentSigningTest::join).toList();
        }

        Set<Long> counters = signed.stream().map(SignedCommand::counter).collect(Collectors.toSet());
        assertThat(counters).hasSize(1000)
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1000).boxed().toList());

        List<SignedCommand> inOrder = signed.stream().sorted(Comparator.comparingLong(SignedCommand::counter)).toList();
        for (SignedCommand command : inOrder) {
            assertThat(client.decode(command, car.answer(command.body())).verdict())
                    .as("counter %d", command.counter()).isEqualTo(Verdict.SUCCEEDED);
        }
        SignedCommand replayed = inOrder.get(500);
        assertThat(client.decode(replayed, car.answer(replayed.body())).fault())
                .isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER);
    }

    private static SignedCommand join(Future<SignedCommand> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
