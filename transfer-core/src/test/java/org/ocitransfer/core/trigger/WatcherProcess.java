package org.ocitransfer.core.trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/**
 * A source trigger watcher in a process of its own, for the test that kills one mid-import: it watches pipeline
 * {@value TriggerFixture#PIPELINE} with 3 s claims, and its first push into the target writes the marker file and
 * then hangs, so the test knows it holds a claim and has a Running run when it kills the process. It exits by itself
 * after two minutes should the test be gone.
 *
 * <p>Arguments: the state directory, the target OCI layout directory, the marker file.
 */
public final class WatcherProcess {

    private WatcherProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path state = Path.of(args[0]);
        OciLayoutRegistry target = OciLayoutRegistry.open(Path.of(args[1]));
        Path marker = Path.of(args[2]);
        PausingRegistry hanging = new PausingRegistry(target, descriptor -> {
            try {
                Files.writeString(marker, descriptor.digest());
                Thread.sleep(Duration.ofMinutes(2).toMillis());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hanging", e);
            }
        });
        SourceTriggerWatcher watcher = new TransferClientBuilder().stateDirectory(state)
                .registry(target.location(), hanging).sourceTriggerWatcher(TriggerFixture.PIPELINE)
                .pollInterval(Duration.ofSeconds(1)).claimDuration(Duration.ofSeconds(3)).build();
        watcher.start();
        Thread.sleep(Duration.ofMinutes(2).toMillis());
        System.exit(3);
    }
}
