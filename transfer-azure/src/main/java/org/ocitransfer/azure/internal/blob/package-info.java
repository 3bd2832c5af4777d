/**
 * Internal, no compatibility promise: the Azure Blob Storage {@code BlobStore} (block uploads, streaming ranged
 * downloads, leases as claims, server-side copy), SAS parsing and checks, and the scrubbing that keeps SAS tokens out
 * of messages. Users reach it through {@code org.ocitransfer.azure.blob.AzureBlobStoreFactory}.
 */
package org.ocitransfer.azure.internal.blob;
