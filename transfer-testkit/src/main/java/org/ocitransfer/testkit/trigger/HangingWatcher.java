// The body of a watcher process a test kills mid-import: it watches, and its first push into the target hangs.
package org.ocitransfer.testkit.trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.faults.HookedRegistry;
import org.ocitransfer.testkit.tools.JavaProcess;

/**
 * For a {@code main} run in a child JVM ({@link #killWhileImporting}): watches pipeline
 * {@value TriggerFixture#PIPELINE} with 1 s polls; its first push into the target writes the marker file (the
 * pushed digest) and then hangs, so the test knows the process holds a claim and has a Running run when it kills
 * it. The process exits by itself (status 3) after two minutes should the test be gone.
 */
public final class HangingWatcher {

    private static final Duration LIFETIME = Duration.ofMinutes(2);

    private HangingWatcher() {
    }

    /**
     * Builds the client ({@code builder} with the target behind the hanging hook), starts the watcher and never
     * returns.
     */
    public static void run(TransferClientBuilder builder, OciLayoutRegistry target, Path marker, Duration claim)
            throws InterruptedException {
        builder.registry(target.location(), HookedRegistry.beforePush(target, d -> hang(marker, d)))
                .sourceTriggerWatcher(TriggerFixture.PIPELINE).pollInterval(Duration.ofSeconds(1))
                .claimDuration(claim).build().start();
        Thread.sleep(LIFETIME.toMillis());
        System.exit(3);
    }

    /** What a test checks while the killed-to-be process holds its claim. */
    @FunctionalInterface
    public interface WhileHeld {
        void check() throws Exception;
    }

    /**
     * Starts {@code main} (a {@code main} calling {@link #run}) in a child JVM with {@code args} and the marker file
     * {@code dir/importing} as its last argument, waits (at most {@code wait}) until it hangs in its first push,
     * runs {@code whileHeld}, then kills it with SIGKILL. Its output goes to {@code dir/watcher-process.log}, named
     * in every failure.
     */
    public static void killWhileImporting(Class<?> main, Path dir, Duration wait, WhileHeld whileHeld,
            String... args) throws Exception {
        Path marker = dir.resolve("importing");
        Path log = dir.resolve("watcher-process.log");
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.add(marker.toString());
        Process child = JavaProcess.builder(main, List.of("-XX:TieredStopAtLevel=1"),
                arguments.toArray(String[]::new)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            TriggerFixture.await("the watcher process to start importing (its log: " + log + ")", wait,
                    () -> Files.exists(marker) || !child.isAlive());
            if (!child.isAlive()) {
                throw new AssertionError("The watcher process ended (status " + child.exitValue()
                        + ") before it imported; its log:\n" + TriggerFixture.read(log));
            }
            whileHeld.check();
            child.destroyForcibly();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("The watcher process still runs 30 s after SIGKILL");
            }
        } finally {
            child.destroyForcibly();
        }
    }

    private static void hang(Path marker, Descriptor pushed) {
        try {
            Files.writeString(marker, pushed.digest());
            Thread.sleep(LIFETIME.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hanging", e);
        }
    }
}
