// A source trigger watcher on local storage in a process of its own, for the test that kills one mid-import.
package org.ocitransfer.testkit.trigger;

import java.nio.file.Path;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/**
 * A {@link HangingWatcher} on the local parts of a {@link LocalTriggerFixture}, with its 3 s claims.
 *
 * <p>Arguments: the state directory, the target OCI layout directory, the marker file.
 */
public final class WatcherProcess {

    private WatcherProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        HangingWatcher.run(new TransferClientBuilder().stateDirectory(Path.of(args[0])),
                OciLayoutRegistry.open(Path.of(args[1])), Path.of(args[2]), LocalTriggerFixture.CLAIM);
    }
}
