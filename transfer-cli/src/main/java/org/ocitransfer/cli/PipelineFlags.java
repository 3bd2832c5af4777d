// The options export-pipeline create and import-pipeline create share, merged with a parameter file's values.
package org.ocitransfer.cli;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.StorageContainer;
import picocli.CommandLine.Option;

/**
 * What both pipeline create commands take: name, registry, container, secret, access mode, identity, cloud, and
 * {@code --parameters @azuredeploy.parameters.json}. A flag given beside the file wins over the file's parameter.
 */
final class PipelineFlags {

    /** The parameters of the ExportPipelines and ImportPipelines templates both take. */
    static final Set<String> COMMON_PARAMETERS = Set.of("registryName", "userAssignedIdentity", "keyVaultName",
            "sasTokenSecretName", "keyVaultUri", "storageAccessMode", "options", "location");

    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern IDENTITY_RESOURCE_ID = Pattern.compile(
            "(?i)/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ManagedIdentity/"
                    + "userAssignedIdentities/[^/]+");

    @Option(names = {"--name", "-n"}, paramLabel = "NAME", converter = Arguments.Name.class,
            description = "The pipeline's name: 5-50 letters or digits (or the parameter file's"
                    + " exportPipelineName/importPipelineName).")
    String name;

    @Option(names = {"--registry", "-r"}, paramLabel = "REGISTRY",
            description = "The registry: " + AzureCloud.REGISTRY_FORMS + ".")
    String registry;

    @Option(names = "--cloud", paramLabel = "CLOUD",
            description = "The cloud of registry and vault names: ${COMPLETION-CANDIDATES} (default: AzureCloud).")
    AzureCloud cloud;

    @Option(names = {"--storage-container-uri", "-c"}, paramLabel = "URI", converter = Arguments.ContainerUri.class,
            description = "The container: " + Arguments.CONTAINER_FORMS + ".")
    String containerUri;

    @Option(names = {"--secret-uri", "-s"}, paramLabel = "URI",
            description = "Where the container's SAS token is kept: https://<vault>.vault.azure.net/secrets/<name>,"
                    + " env:NAME or file:/path. Not needed for a local directory or ManagedIdentity.")
    String secretUri;

    @Option(names = {"--storage-access-mode", "-m"}, paramLabel = "MODE", converter = Arguments.AccessMode.class,
            description = "SasToken (default) or ManagedIdentity.")
    String accessMode;

    @Option(names = {"--assign-identity", "-i"}, paramLabel = "IDENTITY",
            description = "The identity that reads the pipeline's Key Vault secret and storage: system (the host's"
                    + " system-assigned managed identity), a user-assigned identity's client id, or its resource id"
                    + " (an ARM id that ends in Microsoft.ManagedIdentity/userAssignedIdentities/NAME)."
                    + " Default: the process's credential.")
    String assignIdentity;

    @Option(names = "--parameters", paramLabel = "@FILE",
            description = "An ARM deployment parameter file (azuredeploy.parameters.json of the ACR transfer"
                    + " templates); options given beside it win.")
    String parameters;

    /** The parameter file, or null. */
    ParameterFile file(String nameParameter, Set<String> kindParameters) {
        if (parameters == null) {
            return null;
        }
        Set<String> known = new java.util.HashSet<>(COMMON_PARAMETERS);
        known.add(nameParameter);
        known.addAll(kindParameters);
        return ParameterFile.read(parameters, known);
    }

    /** The pipeline's name: {@code -n}, else the file's. */
    String name(ParameterFile file, String nameParameter) {
        String value = file == null ? name : file.or(name, nameParameter);
        if (value == null) {
            throw new IllegalArgumentException("Missing the pipeline's name: give --name (or " + nameParameter
                    + " in the parameter file)");
        }
        if (name == null) {
            new Arguments.Name().check(value);
        }
        return value;
    }

    /** The registry URI: {@code -r}, else the file's registryName, a bare name resolved in the cloud. */
    String registry(ParameterFile file) {
        String value = file == null ? registry : file.or(registry, "registryName");
        if (value == null) {
            throw new IllegalArgumentException("Missing the registry: give --registry (or registryName in the"
                    + " parameter file)");
        }
        return AzureCloud.orDefault(cloud).registry(value);
    }

    /**
     * The container: {@code -c/-s/-m}, else the file's container URI, keyVaultUri (or keyVaultName with
     * sasTokenSecretName) and storageAccessMode.
     */
    StorageContainer container(ParameterFile file, String uriParameter) {
        String uri = file == null ? containerUri : file.or(containerUri, uriParameter);
        if (uri == null) {
            throw new IllegalArgumentException("Missing the storage container: give --storage-container-uri (or "
                    + uriParameter + " in the parameter file)");
        }
        String mode = file == null ? accessMode : file.or(accessMode, "storageAccessMode");
        String secret = secretUri;
        if (secret == null && file != null && !"ManagedIdentity".equalsIgnoreCase(mode)) {
            secret = file.string("keyVaultUri");
            String vault = file.string("keyVaultName");
            String secretName = file.string("sasTokenSecretName");
            if (secret == null && (vault != null || secretName != null)) {
                if (vault == null || secretName == null) {
                    throw new IllegalArgumentException("The parameter file gives " + (vault == null
                            ? "sasTokenSecretName without keyVaultName" : "keyVaultName without sasTokenSecretName")
                            + ": give both, or keyVaultUri");
                }
                secret = AzureCloud.orDefault(cloud).secretUri(vault, secretName);
            }
        }
        if (mode != null) {
            new Arguments.AccessMode().check(mode);
        }
        return Arguments.container(uri, secret, mode);
    }

    /** The options: {@code -z} when given, else the file's. */
    List<String> options(ParameterFile file, List<String> given) {
        return given != null || file == null ? given : file.strings("options");
    }

    /** The identity: {@code --assign-identity}, else the file's userAssignedIdentity; null for none. */
    PipelineIdentity identity(ParameterFile file) {
        String value = file == null ? assignIdentity : file.or(assignIdentity, "userAssignedIdentity");
        return value == null ? null : identity(value);
    }

    /**
     * Parses {@code system}, a client id (a GUID) or a user-assigned identity's resource id.
     *
     * @throws IllegalArgumentException for anything else
     */
    static PipelineIdentity identity(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("system") || v.equalsIgnoreCase("[system]")) {
            return PipelineIdentity.systemAssigned();
        }
        if (GUID.matcher(v).matches()) {
            return PipelineIdentity.userAssigned(v.toLowerCase(java.util.Locale.ROOT), null);
        }
        if (IDENTITY_RESOURCE_ID.matcher(v).matches()) {
            return PipelineIdentity.userAssigned(null, v);
        }
        throw new IllegalArgumentException("'" + value + "' is not an identity: give system, a user-assigned"
                + " identity's client id (a GUID) or its resource id (/subscriptions/<id>/resourceGroups/<group>"
                + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)");
    }
}
