package io.fleetgate.gateway;

import java.util.List;
import java.util.SplittableRandom;

/** The fuzzer's one source of randomness, and the few ways it draws from it. */
final class Draws {
    static final String[] UNICODE = {"é", "ß", "日本", "🚗", "\u202e", "Ω", "\u00a0", "𝔘", "İ", "ﬁ", "١٢٣"};
    private static final String VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

    private final SplittableRandom random;

    Draws(long seed) {
        this.random = new SplittableRandom(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    int nextInt() {
        return random.nextInt();
    }

    long nextLong(long origin, long bound) {
        return random.nextLong(origin, bound);
    }

    boolean nextBoolean() {
        return random.nextBoolean();
    }

    void nextBytes(byte[] bytes) {
        random.nextBytes(bytes);
    }

    byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    String randomVin() {
        StringBuilder vin = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            vin.append(VIN_ALPHABET.charAt(random.nextInt(VIN_ALPHABET.length())));
        }
        return vin.toString();
    }

    /** Printable text, some of it beyond ASCII; never CR or LF (that would be a second header, not a value). */
    String text(int min, int max) {
        int length = min + random.nextInt(max - min + 1);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(chance(85) ? (char) (0x20 + random.nextInt(0x5f)) : oneOf(UNICODE));
        }
        return text.toString();
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    int weighted(List<Integer> weights) {
        int total = weights.stream().mapToInt(Integer::intValue).sum();
        int pick = random.nextInt(total);
        for (int i = 0; i < weights.size(); i++) {
            pick -= weights.get(i);
            if (pick < 0) {
                return i;
            }
        }
        return weights.size() - 1;
    }

    @SafeVarargs
    final <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    <T> T oneOf(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
