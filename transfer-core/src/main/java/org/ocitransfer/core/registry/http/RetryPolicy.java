// How the HTTP registry client retries transient failures: attempts, exponential backoff with jitter, Retry-After.
package org.ocitransfer.core.registry.http;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How transient failures (429, 5xx, connection resets, timeouts) are retried: up to {@code maxAttempts} tries in
 * all, waiting an exponentially growing delay with jitter between them ({@code initialDelay}, doubled each time, at
 * most {@code maxDelay}). A registry's {@code Retry-After} replaces the computed delay; when it asks for longer than
 * {@code maxDelay}, the client stops and reports it instead of waiting.
 *
 * <p>A request without a body (or with bytes held in memory) is retried by itself; a blob upload is retried as a
 * whole sequence (POST ... PUT) only when its content can be replayed.
 *
 * @param maxAttempts  tries in all, at least 1 (1 means no retry)
 * @param initialDelay the delay before the first retry
 * @param maxDelay     the longest delay between two tries
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    /** Validates the values. */
    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("A retry policy needs at least 1 attempt, got " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("A retry policy needs 0 <= initialDelay <= maxDelay, got "
                    + initialDelay + " and " + maxDelay);
        }
    }

    /** 5 attempts, 200 ms doubling up to 30 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(30));
    }

    /** One attempt: no retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The wait before retry number {@code retry} (1 for the first retry): the registry's Retry-After when it gave
     * one, else {@code initialDelay * 2^(retry-1)} capped at {@code maxDelay}, of which a random half is jitter.
     */
    Duration delayBefore(int retry, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter;
        }
        long cap = maxDelay.toMillis();
        long backoff = Math.min(cap, initialDelay.toMillis() << Math.min(30, Math.max(0, retry - 1)));
        long half = backoff / 2;
        return Duration.ofMillis(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }
}
