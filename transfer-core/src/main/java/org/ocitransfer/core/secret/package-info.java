/**
 * The secret SPI: a {@link org.ocitransfer.core.secret.SecretStore} resolves a secret URI (a SAS token's, for
 * example) to a {@link org.ocitransfer.core.secret.Secret}, whose value never appears in a message or log.
 * {@link org.ocitransfer.core.secret.SecretStores} chains stores; {@code env:} and {@code file:} URIs are built in.
 * Implement a store for another vault and give it to {@code TransferClientBuilder.secretStore}.
 */
package org.ocitransfer.core.secret;
