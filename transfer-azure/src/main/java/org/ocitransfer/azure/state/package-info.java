/**
 * Pipeline and run records shared by several clients in an Azure Blob Storage container:
 * {@link org.ocitransfer.azure.state.AzureBlobRecordStore}, a {@code RecordStore} with conditional writes.
 */
package org.ocitransfer.azure.state;
