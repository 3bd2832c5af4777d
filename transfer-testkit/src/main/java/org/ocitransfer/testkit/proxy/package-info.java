/**
 * A fault-injecting proxy for tests ({@link org.ocitransfer.testkit.proxy.FaultProxy}): connection resets, stalls,
 * corrupted bytes and injected statuses between a client and a real server.
 */
package org.ocitransfer.testkit.proxy;
