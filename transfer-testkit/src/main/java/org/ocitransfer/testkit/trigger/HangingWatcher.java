// The body of a watcher process a test kills mid-import: it watches, and its first push into the target hangs.
package org.ocitransfer.testkit.trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import org.ocitransfer.testkit.faults.HookedRegistry;

/**
 * For a {@code main} run in a child JVM ({@link org.ocitransfer.testkit.tools.JavaProcess}): watches pipeline
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
        TransferClient client = builder.registry(target.location(),
                HookedRegistry.beforePush(target, d -> hang(marker, d))).buildClient();
        SourceTriggerWatcher.builder(client, TriggerFixture.PIPELINE).pollInterval(Duration.ofSeconds(1))
                .claimDuration(claim).build().start();
        Thread.sleep(LIFETIME.toMillis());
        System.exit(3);
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
