/**
 * Pipeline identities' credentials: {@link org.ocitransfer.azure.identity.PipelineCredentials} gives the
 * {@code TokenCredential} that acts as a pipeline's identity, {@link
 * org.ocitransfer.azure.identity.ManagedIdentityCredentials} is azure-identity's managed identity for each.
 */
package org.ocitransfer.azure.identity;
