/**
 * Starts the real CNCF Distribution registry for tests ({@link org.ocitransfer.testkit.registry.DistributionRegistry},
 * the JUnit extension {@link org.ocitransfer.testkit.registry.RegistryExtension}) in open, basic or token auth mode,
 * with the kit's Docker-protocol {@link org.ocitransfer.testkit.registry.TokenServer}.
 */
package org.ocitransfer.testkit.registry;
