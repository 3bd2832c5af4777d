/**
 * The source trigger of import pipelines: {@link org.ocitransfer.core.trigger.SourceTriggerWatcher} polls a
 * pipeline's container and imports each landed blob version exactly once across the watchers sharing the container
 * and the record store (a claim on the blob while importing, the run record created with an ETag precondition).
 */
package org.ocitransfer.core.trigger;
