/**
 * A registry held in memory ({@link org.ocitransfer.core.registry.memory.MemoryRegistry}), for tests and examples:
 * give it to {@code TransferClientBuilder.registry(uri, registry)}.
 */
package org.ocitransfer.core.registry.memory;
