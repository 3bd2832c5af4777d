// `transfer blob copy`: the step between an export and an import.
package org.ocitransfer.cli;

import picocli.CommandLine.Command;

/** Blob operations. */
@Command(name = "blob", mixinStandardHelpOptions = true, description = "Copy archive blobs between containers.",
        subcommands = {})
final class BlobCommand {
}
