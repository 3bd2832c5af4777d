/**
 * Signing in to Azure Container Registry with an Entra ID token:
 * {@link org.ocitransfer.azure.acr.AcrCredentialProvider}, a registry {@code CredentialProvider} for the HTTP registry
 * client.
 */
package org.ocitransfer.azure.acr;
