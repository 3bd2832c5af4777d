/**
 * The OCI distribution client over HTTP: {@link org.ocitransfer.core.registry.http.HttpRegistryFactory} (give it to
 * {@code TransferClientBuilder.registryFactory} to set credentials, retries or timeouts) and the
 * {@link org.ocitransfer.core.registry.http.HttpRegistry} it opens, with its
 * {@link org.ocitransfer.core.registry.http.RetryPolicy} and {@link org.ocitransfer.core.registry.http.Timeouts}.
 */
package org.ocitransfer.core.registry.http;
