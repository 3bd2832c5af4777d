/**
 * Secrets (SAS tokens) from Azure Key Vault: {@link org.ocitransfer.azure.keyvault.KeyVaultSecretStore}, a
 * {@code SecretStore} serving Key Vault secret URIs.
 */
package org.ocitransfer.azure.keyvault;
