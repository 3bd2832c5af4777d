/**
 * The registry SPI: a {@link org.ocitransfer.core.registry.Registry} of
 * {@link org.ocitransfer.core.registry.Repository}s (fetch, push with the expected descriptor, resolve, tag), opened
 * from a pipeline's registry URI by a {@link org.ocitransfer.core.registry.RegistryFactory}. Optional abilities
 * (mount, referrers, tag listing, batched tagging) are separate interfaces discovered at run time; failures are
 * {@link org.ocitransfer.core.registry.RegistryException}s with a reason. Implement it to add a kind of registry.
 */
package org.ocitransfer.core.registry;
