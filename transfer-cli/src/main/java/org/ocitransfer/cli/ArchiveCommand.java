// `transfer archive inspect|verify`: an archive examined at the gap, with no registry.
package org.ocitransfer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.core.archive.OfflineArchive;
import org.ocitransfer.core.archive.VerifyOptions;
import org.ocitransfer.core.signing.PemKeys;
import org.ocitransfer.core.state.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Offline archive commands. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = "Inspect or verify an archive (a local file or a blob) with no registry.",
        subcommands = {ArchiveCommand.Inspect.class, ArchiveCommand.Verify.class})
final class ArchiveCommand {

    /** {@code archive inspect}. */
    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {"List an archive's artifacts (names, tags, digests, media types, sizes), its blobs and size,"
                    + " its bases, parts and signature status.",
                    "Reads the tar's headers, index.json, catalog.json and the manifests only; exit 1 when the archive"
                            + " is refused (the message names the entry and the rule)."})
    static final class Inspect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ArchiveLocation location;

        @Override
        public Integer call() {
            TransferCommand root = (TransferCommand) spec.root().userObject();
            try (ArchiveLocation opened = location) {
                ArchiveInspection inspection = opened.open(root).inspect();
                if (root.output() == OutputFormat.json) {
                    root.io().out().println(Json.pretty(inspection));
                } else {
                    ArchiveViews.inspection(root.io().out(), inspection);
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code archive verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check every entry of an archive against its digest and size, the layout's consistency,"
                    + " the catalog digest (with --catalog-digest), the base chain and the signature (with --key),"
                    + " with no registry.",
                    "Reads the archive once, streaming; exit 0 when it is whole, 1 when not (each problem names the"
                            + " entry, its byte offset in the archive, and the expected and actual digest)."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ArchiveLocation location;

        @Option(names = "--catalog-digest", paramLabel = "DIGEST", converter = Arguments.Digest.class,
                description = "The catalog digest the archive must have: the export run's catalogDigest, handed over"
                        + " with the archive.")
        String catalogDigest;

        @Option(names = "--base", paramLabel = "FILE-OR-BLOB", description = "A base archive of a differential"
                + " archive (repeatable): " + ArchiveLocation.FORMS + ". A base not given is looked for beside the"
                + " archive under its recorded blob name.")
        List<String> bases = new ArrayList<>();

        @Option(names = "--key", paramLabel = "PUB.pem", description = "A public key (ECDSA P-256 or Ed25519 PEM)"
                + " that must have signed the archive (repeatable: any one of them): a file or a secret URI"
                + " (file:, env:, a Key Vault secret). With a key, an unsigned archive or a signature that does not"
                + " verify is a problem (exit 1).")
        List<String> keys = new ArrayList<>();

        @Override
        public Integer call() {
            TransferCommand root = (TransferCommand) spec.root().userObject();
            ArchiveVerification v;
            try (ArchiveLocation opened = location) {
                OfflineArchive archive = opened.open(root);
                List<OfflineArchive> given = bases.stream().map(opened::resolve).toList();
                v = archive.verify(new VerifyOptions(catalogDigest, given,
                        keys.isEmpty() ? List.of() : PemKeys.publicKeys(keys, Backends.secrets())));
            }
            if (root.output() == OutputFormat.json) {
                ObjectNode node = Json.mapper().valueToTree(v);
                node.put("whole", v.whole());
                root.io().out().println(Json.pretty(node));
            } else {
                ArchiveViews.verification(root.io().out(), v);
            }
            if (!v.whole()) {
                root.io().err().println("error: archive " + v.archive() + " is not whole: " + v.problems().size()
                        + " problem" + (v.problems().size() == 1 ? "" : "s") + " (first: " + v.problems().get(0)
                        .message() + ")");
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }
    }

    private ArchiveCommand() {
    }
}
