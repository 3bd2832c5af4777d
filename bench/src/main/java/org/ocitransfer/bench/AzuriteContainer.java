// Creates a container in a local Azurite and prints a container SAS for it, for the benchmark's Azure part.
package org.ocitransfer.bench;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.SasProtocol;
import java.time.OffsetDateTime;
import org.ocitransfer.testkit.azure.Azurite;

/**
 * {@code AzuriteContainer <account-url> <container>}: creates the container (with the emulator's well-known,
 * publicly documented key) when missing and prints a SAS for it ({@code racwdl}, six hours) on stdout.
 */
public final class AzuriteContainer {

    private AzuriteContainer() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        BlobContainerClient container = new BlobServiceClientBuilder().endpoint(args[0])
                .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.ACCOUNT_KEY)).buildClient()
                .getBlobContainerClient(args[1]);
        if (!container.exists()) {
            container.create();
        }
        System.out.println(container.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(6),
                BlobContainerSasPermission.parse("racwdl")).setProtocol(SasProtocol.HTTPS_HTTP)));
    }
}
