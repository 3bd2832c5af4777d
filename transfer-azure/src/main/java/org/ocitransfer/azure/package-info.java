/**
 * The Azure binding's entry point: {@link org.ocitransfer.azure.AzureTransfer#clientBuilder} returns a client builder
 * wired with Azure Blob Storage, Key Vault and ACR sign-in for one {@code TokenCredential}. The parts live in
 * {@code acr}, {@code blob}, {@code copy}, {@code keyvault} and {@code state}; {@code internal} packages hold the
 * implementation and carry no compatibility promise.
 */
package org.ocitransfer.azure;
