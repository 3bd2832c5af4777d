// The Azure Resource Manager scope (subscription, resource group) the CLI writes ids in, as az prints them.
package org.ocitransfer.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where ids in the ARM form point: {@code /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerRegistry/
 * registries/NAME/exportPipelines/P}. The subscription and group come from {@code --subscription} and
 * {@code --resource-group}, else from the environment az itself reads ({@code AZURE_SUBSCRIPTION_ID},
 * {@code AZURE_DEFAULTS_GROUP}), else the placeholders {@link #PLACEHOLDER_SUBSCRIPTION} and
 * {@link #PLACEHOLDER_GROUP}. Ids take this form only for pipelines whose registry is an ACR login server
 * ({@code NAME.azurecr.io}, {@code .azurecr.us}, {@code .azurecr.cn}); other registries keep the library's local ids
 * ({@code /exportPipelines/P}, {@code /importPipelines/P}, {@code /pipelineRuns/R}).
 *
 * @param subscription  the subscription id
 * @param resourceGroup the resource group's name
 */
record ArmScope(String subscription, String resourceGroup) {

    /** The subscription written when none is given or set: the all-zero id of the REST API's examples. */
    static final String PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

    /** The resource group written when none is given or set. */
    static final String PLACEHOLDER_GROUP = "unknown-resource-group";

    private static final String[] ACR_SUFFIXES = {".azurecr.io", ".azurecr.us", ".azurecr.cn"};

    /**
     * The scope from the command line's flags, else the environment, else the placeholders.
     *
     * @param env reads an environment variable (null when unset)
     */
    static ArmScope resolve(String subscriptionFlag, String groupFlag, UnaryOperator<String> env) {
        return new ArmScope(first(subscriptionFlag, env.apply("AZURE_SUBSCRIPTION_ID"), PLACEHOLDER_SUBSCRIPTION),
                first(groupFlag, env.apply("AZURE_DEFAULTS_GROUP"), PLACEHOLDER_GROUP));
    }

    /**
     * The ACR registry name of a registry reference ({@code https://myreg.azurecr.io}, {@code myreg.azurecr.us:443}),
     * or empty when the registry is not an ACR login server.
     */
    static Optional<String> acrName(String registry) {
        if (registry == null) {
            return Optional.empty();
        }
        String host = registry.contains("://") ? registry.substring(registry.indexOf("://") + 3) : registry;
        int end = host.length();
        for (char stop : new char[] {'/', ':', '?', '#'}) {
            int at = host.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        host = host.substring(0, end).toLowerCase(Locale.ROOT);
        for (String suffix : ACR_SUFFIXES) {
            if (host.endsWith(suffix) && host.length() > suffix.length()) {
                String name = host.substring(0, host.length() - suffix.length());
                // A geo-replica or data endpoint (name.region.data.azurecr.io) is not a registry's login server.
                return name.contains(".") ? Optional.empty() : Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** {@code /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerRegistry/registries/NAME}. */
    String registryId(String registryName) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.ContainerRegistry/registries/" + registryName;
    }

    /**
     * The id of a resource of a registry: the ARM form for an ACR registry, else {@code localId}.
     *
     * @param registry   the registry reference the resource belongs to (null when unknown)
     * @param collection {@code exportPipelines}, {@code importPipelines} or {@code pipelineRuns}
     * @param name       the resource's name
     * @param localId    the library's id of the resource
     */
    String id(String registry, String collection, String name, String localId) {
        return acrName(registry).map(acr -> registryId(acr) + "/" + collection + "/" + name).orElse(localId);
    }

    /** The resource group an id names, as az adds it to its output ({@code resourceGroup}); null for a local id. */
    static String resourceGroupOf(String id) {
        String[] parts = id.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equalsIgnoreCase("resourceGroups")) {
                return parts[i + 1];
            }
        }
        return null;
    }

    private static String first(String flag, String env, String placeholder) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        return env != null && !env.isBlank() ? env : placeholder;
    }
}
