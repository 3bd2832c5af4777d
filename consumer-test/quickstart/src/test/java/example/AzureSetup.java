package example;

// The README's Azure setup sample, with its imports: compiled here (it needs an Azure subscription to run).
// sample: azure-setup
import java.net.URI;
import java.util.Set;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.azure.AzureTransfer;

/** Exports from an Azure Container Registry into a storage container whose SAS token is in Key Vault. */
final class AzureSetup {

    static TransferClient azureClient() {
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();   // any TokenCredential
        TransferClient client = AzureTransfer.clientBuilder(credential).buildClient();
        client.createOrUpdateExportPipeline(new ExportPipeline("myexport", "https://myregistry.azurecr.io",
                StorageContainer.of(URI.create("https://myaccount.blob.core.windows.net/transfer"),
                        "https://myvault.vault.azure.net/secrets/acrexportsas"), Set.of()));
        return client;
    }
}
// end sample: azure-setup
