// The seed of a test run's randomness: given with -Dtest.seed=N or picked once per JVM, and printed, so a failure
// seen with random content can be run again with the same content.
package org.ocitransfer.testkit.random;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every random value of a test comes from. The run's seed is {@code -Dtest.seed=N} when given, else one picked
 * when first asked for; each test class that asks prints {@code seed N (rerun with -Dtest.seed=N)} to its standard
 * output once (surefire keeps it in the class's output file). Derived seeds ({@link #seed(long)}) give a test
 * several independent streams that are the same on a rerun with the same seed.
 *
 * <pre>{@code
 * byte[] layer = Seeds.bytes(4096, 1);                        // the same bytes for the same run seed
 * ContentGenerator gen = new ContentGenerator(Seeds.seed(7)); // or new ContentGenerator() for the run's seed
 * }</pre>
 */
public final class Seeds {

    /** The system property that fixes the run's seed. */
    public static final String PROPERTY = "test.seed";

    private static final String GENERATOR = "org.ocitransfer.testkit.content.ContentGenerator";
    private static final long SEED = initial();
    private static final Set<String> TOLD = ConcurrentHashMap.newKeySet();
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Seeds() {
    }

    private static long initial() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            try {
                return Long.parseLong(given.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + given + " is not a whole number: give the"
                        + " seed a failed run printed, e.g. -D" + PROPERTY + "=1234", e);
            }
        }
        return new SplittableRandom().nextLong();
    }

    /** The run's seed, printed once for each calling class. */
    public static long seed() {
        tell();
        return SEED;
    }

    /** A seed derived from the run's seed and {@code salt}: another salt, another independent stream. */
    public static long seed(long salt) {
        tell();
        return new SplittableRandom(SEED ^ (salt * 0x9E3779B97F4A7C15L)).nextLong();
    }

    /** {@code size} random bytes from {@link #seed(long) seed(salt)}. */
    public static byte[] bytes(int size, long salt) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed(salt)).nextBytes(bytes);
        return bytes;
    }

    /** Prints the seed once for each test class that asks (the outermost *Test, *Tests or *IT on the stack). */
    private static void tell() {
        List<Class<?>> callers = WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                .filter(c -> c != Seeds.class && !c.getName().equals(GENERATOR)).toList());
        String caller = callers.stream().map(Seeds::outermost).filter(n -> n.matches(".*(Test|Tests|IT)"))
                .reduce((inner, outer) -> outer)
                .orElse(callers.isEmpty() ? "?" : outermost(callers.get(0)));
        if (TOLD.add(caller)) {
            System.out.println("seed " + SEED + " (rerun with -D" + PROPERTY + "=" + SEED + ") for " + caller);
        }
    }

    private static String outermost(Class<?> c) {
        Class<?> top = c;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        return top.getName();
    }
}
