// Runs a run's tasks on a bounded number of threads, stopping early on the first failure when asked to.
package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.MDC;

/**
 * A run's worker threads: at most {@code threads} tasks at once (with one thread, tasks run in order on the caller's
 * thread). {@link #runAll} always waits for every started task to end, so nothing of a run keeps running after the
 * run returns.
 */
final class TaskPool implements AutoCloseable {

    /** One unit of work. */
    @FunctionalInterface
    interface Task<T> {
        /** Does it. */
        T run() throws Exception;
    }

    /**
     * What became of one task.
     *
     * @param value   its result, when it succeeded
     * @param failure what it threw, when it failed
     * @param skipped whether it never started because an earlier failure stopped the batch
     */
    record Outcome<T>(T value, Exception failure, boolean skipped) {
        boolean succeeded() {
            return failure == null && !skipped;
        }
    }

    /**
     * The outcomes of a batch, in task order, and the failure that happened first in time (the one that stopped the
     * batch, when it stops on failure).
     */
    record Batch<T>(List<Outcome<T>> outcomes, Exception firstFailure) {
    }

    private final int threads;
    private final ExecutorService executor;

    TaskPool(String runName, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("A run needs at least one worker thread, not " + threads);
        }
        this.threads = threads;
        if (threads == 1) {
            this.executor = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            // Workers log with the creating (run's) thread's MDC, such as the run's name (key pipelineRun).
            Map<String, String> mdc = MDC.getCopyOfContextMap();
            this.executor = Executors.newFixedThreadPool(threads, r -> {
                Runnable withMdc = mdc == null ? r : () -> {
                    MDC.setContextMap(mdc);
                    r.run();
                };
                Thread t = new Thread(withMdc, "transfer-" + runName + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** How many tasks may run at once. */
    int threads() {
        return threads;
    }

    /**
     * Runs the tasks, at most {@link #threads()} at once, in the given order of starting.
     *
     * @param policy         {@link FailurePolicy#STOP}: the first failure stops the tasks not yet started (they are then
     *                       skipped); {@link FailurePolicy#CONTINUE}: every task runs
     * @param onFirstFailure called once, on the failing thread, at the first failure (for example to abort an upload
     *                       so the tasks still running stop soon); may be null
     */
    <T> Batch<T> runAll(List<? extends Task<T>> tasks, FailurePolicy policy, Runnable onFirstFailure) {
        boolean stopOnFailure = policy.stops();
        AtomicReference<Exception> first = new AtomicReference<>();
        List<Outcome<T>> outcomes = new ArrayList<>(tasks.size());
        if (executor == null) {
            for (Task<T> task : tasks) {
                outcomes.add(stopOnFailure && first.get() != null ? new Outcome<>(null, null, true)
                        : attempt(task, first, onFirstFailure));
            }
            return new Batch<>(outcomes, first.get());
        }
        List<Future<Outcome<T>>> futures = new ArrayList<>(tasks.size());
        for (Task<T> task : tasks) {
            futures.add(executor.submit(() -> stopOnFailure && first.get() != null ? new Outcome<T>(null, null, true)
                    : attempt(task, first, onFirstFailure)));
        }
        boolean interrupted = false;
        for (Future<Outcome<T>> future : futures) {
            while (true) {
                try {
                    outcomes.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    // Keep waiting: returning while tasks still run would let them outlive the run.
                    interrupted = true;
                } catch (ExecutionException e) {
                    // attempt() catches every Exception, so only an Error gets here: let it through.
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException("A transfer task failed outside its own handling", e.getCause());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new Batch<>(outcomes, first.get());
    }

    /** {@link #runAll(List, FailurePolicy, Runnable)} with nothing to do at the first failure. */
    <T> Batch<T> runAll(List<? extends Task<T>> tasks, FailurePolicy policy) {
        return runAll(tasks, policy, null);
    }

    private static <T> Outcome<T> attempt(Task<T> task, AtomicReference<Exception> first, Runnable onFirstFailure) {
        try {
            return new Outcome<>(task.run(), null, false);
        } catch (Exception e) {
            if (first.compareAndSet(null, e) && onFirstFailure != null) {
                try {
                    onFirstFailure.run();
                } catch (RuntimeException reaction) {
                    e.addSuppressed(reaction);
                }
            }
            return new Outcome<>(null, e, false);
        }
    }

    /** Stops the threads (every batch has already ended). */
    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
        }
    }
}
