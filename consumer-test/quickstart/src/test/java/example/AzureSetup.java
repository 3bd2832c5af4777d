package example;

import java.net.URI;
import java.util.Set;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.acr.AcrCredentialProvider;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.keyvault.KeyVaultSecretStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;

/** The README's Azure setup sample: compiled here (it needs an Azure subscription to run). */
final class AzureSetup {

    private AzureSetup() {
    }

    static TransferClient azureClient() {
        // sample: azure-setup
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();   // any TokenCredential
        TransferClient client = new TransferClientBuilder()
                .blobStoreFactory(new AzureBlobStoreFactory(credential))
                .secretStore(KeyVaultSecretStore.builder(credential).build())
                .registryFactory(new HttpRegistryFactory(b -> b.credentials(
                        AcrCredentialProvider.builder(credential).build().orElse(HttpRegistryFactory.defaultCredentials()))))
                .buildClient();
        client.createOrUpdateExportPipeline(new ExportPipeline("myexport", "https://myregistry.azurecr.io",
                StorageContainer.of(URI.create("https://myaccount.blob.core.windows.net/transfer"),
                        "https://myvault.vault.azure.net/secrets/acrexportsas"), Set.of()));
        // end sample: azure-setup
        return client;
    }
}
