/**
 * Registry credentials: the {@link org.ocitransfer.core.registry.auth.CredentialProvider} a registry client asks per
 * host, the {@link org.ocitransfer.core.registry.auth.RegistryCredential} it answers, and the providers that read the
 * environment, the docker config (with its credential helpers) and containers' auth.json. Implement a provider for a
 * credential source of your own.
 */
package org.ocitransfer.core.registry.auth;
