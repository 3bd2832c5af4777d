// `transfer copy`: artifacts straight from one registry into another, without an archive (like `az acr import`).
package org.ocitransfer.cli;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.CopyRequest;
import org.ocitransfer.api.CopyResult;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Copies artifacts from a source registry into a target registry directly: the connected case. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy artifacts straight from one registry into another (no archive, no pipeline).",
                "Registries: an Azure Container Registry's name (myregistry), https://host[:port], http://host:port"
                        + " or oci-layout:/path. Every artifact's content is in the target before its tag moves;"
                        + " without ContinueOnErrors a failure moves no tag."})
final class CopyCommand extends ClientCommand {

    @Option(names = "--source-registry", required = true, paramLabel = "REGISTRY",
            description = "The registry to read from: " + AzureCloud.REGISTRY_FORMS + ".")
    String sourceRegistry;

    @Option(names = "--target-registry", required = true, paramLabel = "REGISTRY",
            description = "The registry to write into, named the same way.")
    String targetRegistry;

    @Option(names = "--cloud", paramLabel = "CLOUD",
            description = "The cloud of registry names: ${COMPLETION-CANDIDATES} (default: AzureCloud).")
    AzureCloud cloud;

    @Option(names = {"--artifacts", "-a"}, required = true, arity = "1..*", paramLabel = "ARTIFACT",
            converter = Arguments.Artifact.class,
            description = "Space separated: repo (meaning repo:latest), repo:tag or repo@sha256:<digest>; each keeps"
                    + " its repository and tag in the target.")
    List<String> artifacts;

    @Option(names = {"--options", "-z"}, arity = "1..*", split = ",", paramLabel = "OPTION",
            converter = CopyOption.class,
            description = "IncludeReferrers, OverwriteTags, ContinueOnErrors (space or comma separated).")
    List<String> options;

    @Mixin
    RegistryLogin login;

    @Override
    CredentialProvider credentials() {
        return login.credentials(root().io().in());
    }

    @Override
    int run(TransferClient client) {
        String source = AzureCloud.orDefault(cloud).registry(sourceRegistry);
        String target = AzureCloud.orDefault(cloud).registry(targetRegistry);
        CopyRequest request = new CopyRequest(source, target, artifacts.stream().map(ArtifactRef::parse).toList(),
                parse(options));
        login.bind(target);
        CopyResult result = client.copy(request);
        print(result, out -> {
            out.println("Copy " + source + " -> " + target + ": " + result.status()
                    + (result.message() == null ? "" : " (" + result.message() + ")"));
            Table table = new Table("ARTIFACT", "DIGEST", "RESULT", "MESSAGE");
            for (ArtifactResult a : result.artifactResults()) {
                table.row(a.artifact(), a.digest(), a.status(), a.message());
            }
            table.print(out);
        });
        if (result.status() == RunStatus.Succeeded) {
            return ExitCodes.OK;
        }
        err().println("Copy " + (result.status() == RunStatus.CompletedWithErrors ? "completed with errors"
                : result.status().name().toLowerCase(Locale.ROOT)) + (result.message() == null ? "."
                : ": " + result.message()));
        return ExitCodes.FAILED;
    }

    private static Set<PipelineOption> parse(List<String> names) {
        Set<PipelineOption> parsed = EnumSet.noneOf(PipelineOption.class);
        if (names != null) {
            for (String name : names) {
                if (!name.isBlank()) {
                    parsed.add(option(name));
                }
            }
        }
        return parsed;
    }

    private static PipelineOption option(String name) {
        for (PipelineOption option : CopyRequest.OPTIONS) {
            if (option.name().equalsIgnoreCase(name.trim())) {
                return option;
            }
        }
        throw new IllegalArgumentException("Option '" + name + "' does not apply to a copy: it takes"
                + " IncludeReferrers, OverwriteTags and ContinueOnErrors");
    }

    /** A copy's option, checked while parsing (a usage error otherwise). */
    static final class CopyOption extends Arguments.Check {
        @Override
        void check(String value) {
            if (!value.isBlank()) {
                option(value);
            }
        }
    }
}
