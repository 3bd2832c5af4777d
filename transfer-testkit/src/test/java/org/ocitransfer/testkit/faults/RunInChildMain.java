// A run executed in its own JVM, so a test can kill the process (SIGKILL) mid-run: the "JVM killed" fault.
package org.ocitransfer.testkit.faults;

import java.nio.file.Path;
import java.util.List;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunOperation;

/**
 * The child process of {@link JvmKilledMidRunTest}: builds a {@link TransferRig} over the given directory (its own
 * local state directory and containers), starts an export or import run, prints {@code STARTED <run>} and waits for
 * the run to end (it is killed long before: a fault in the parent's proxy holds the run).
 *
 * <p>Arguments: {@code <rig dir> <export|import> <source url> <target url> <run name>}.
 */
public final class RunInChildMain {

    private RunInChildMain() {
    }

    /** Runs it. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        boolean export = args[1].equals("export");
        try (TransferRig rig = new TransferRig(dir, args[2], args[3])) {
            PipelineRunRequest request = export
                    ? PipelineRunRequest.export(TransferRig.EXPORTER, TransferRig.BLOB, FaultMatrixTest.ARTIFACTS)
                    : PipelineRunRequest.importBlob(TransferRig.IMPORTER, TransferRig.BLOB);
            RunOperation operation = rig.client.beginCreateOrUpdatePipelineRun(args[4], request, "child", null);
            System.out.println("STARTED " + operation.runName());
            System.out.flush();
            System.out.println("ENDED " + operation.await().status());
        }
    }
}
