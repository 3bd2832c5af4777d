// A full transfer with every logger at TRACE, printing runs, records and failures: what the secrets test searches.
package org.ocitransfer.testkit.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;

/**
 * The child process of {@link SecretsDoNotLeakTest}. With the registries' passwords in its environment only
 * ({@code SOURCE_PASSWORD}, {@code TARGET_PASSWORD}, {@code WRONG_PASSWORD}), it runs a full transfer (an export from
 * a token-auth registry, an import into a basic-auth one) and the failures users meet (a wrong password on either
 * side, a missing tag), printing every run, every pipeline and every exception with its stack trace. Logging is at
 * TRACE (set by the parent), to stderr.
 *
 * <p>Arguments: {@code <work dir> <source url> <source user> <target url> <target user>}.
 */
public final class SecretsTransferMain {

    private SecretsTransferMain() {
    }

    /** Runs it. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String sourceUrl = args[1];
        String targetUrl = args[3];
        Map<String, String> env = System.getenv();
        CredentialProvider right = credentials(sourceUrl, args[2], env.get("SOURCE_PASSWORD"), targetUrl, args[4],
                env.get("TARGET_PASSWORD"));
        CredentialProvider wrong = credentials(sourceUrl, args[2], env.get("WRONG_PASSWORD"), targetUrl, args[4],
                env.get("WRONG_PASSWORD"));
        List<String> artifacts = FaultMatrixTest.ARTIFACTS;

        try (TransferRig rig = new TransferRig(dir.resolve("right"), sourceUrl, targetUrl, right, Set.of(), Set.of())) {
            PipelineRun exported = rig.export("secretexport", artifacts, null);
            print(exported);
            rig.stage(rig.out.resolve(TransferRig.BLOB));
            print(rig.importArchive("secretimport", null));
            print(rig.client.createOrUpdatePipelineRun("secretmissing", PipelineRunRequest.export(
                    TransferRig.EXPORTER, "missing.tar", List.of("fault/app:nosuchtag")), null));
            rig.client.listPipelineRuns().forEach(SecretsTransferMain::print);
            System.out.println(rig.client.listExportPipelines());
            System.out.println(rig.client.listImportPipelines());
        }
        try (TransferRig rig = new TransferRig(dir.resolve("wrong"), sourceUrl, targetUrl, wrong, Set.of(), Set.of())) {
            print(rig.export("wrongsource", artifacts, null));
            rig.stage(dir.resolve("right").resolve("out").resolve(TransferRig.BLOB));
            print(rig.importArchive("wrongtarget", null));
        }
        for (String url : List.of(sourceUrl, targetUrl)) {
            try (HttpRegistry registry = TransferRig.factory(wrong).open(url)) {
                registry.ping();
                System.out.println("UNEXPECTED: the wrong password was accepted by " + url);
            } catch (TransferException e) {
                System.out.println("Refused as expected: " + e);
                e.printStackTrace();
            }
        }
        System.out.println("DONE");
    }

    private static CredentialProvider credentials(String sourceUrl, String sourceUser, String sourcePassword,
                                                  String targetUrl, String targetUser, String targetPassword) {
        String sourceHost = sourceUrl.substring(sourceUrl.indexOf("://") + 3);
        String targetHost = targetUrl.substring(targetUrl.indexOf("://") + 3);
        return host -> host.equals(sourceHost) ? Optional.of(RegistryCredential.basic(sourceUser, sourcePassword))
                : host.equals(targetHost) ? Optional.of(RegistryCredential.basic(targetUser, targetPassword))
                : Optional.empty();
    }

    private static void print(PipelineRun run) {
        System.out.println("RUN " + run.name() + " " + run.status() + " " + run);
    }
}
