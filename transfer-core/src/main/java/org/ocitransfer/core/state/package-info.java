/**
 * The record SPI: where pipelines and runs are kept. A {@link org.ocitransfer.core.state.RecordStore} with
 * conditional writes (an etag; a lost race is a {@link org.ocitransfer.core.state.RecordConflictException}) lets
 * several clients share records; {@link org.ocitransfer.core.state.LocalRecordStore} keeps them in a directory.
 * {@link org.ocitransfer.core.state.Json} is the JSON form of the API's resources (records, the CLI's JSON output).
 */
package org.ocitransfer.core.state;
