/**
 * Azure Blob Storage containers for pipelines: {@link org.ocitransfer.azure.blob.AzureBlobStoreFactory} opens a
 * container by SAS token (read from a secret store) or managed identity. The store itself is internal.
 */
package org.ocitransfer.azure.blob;
