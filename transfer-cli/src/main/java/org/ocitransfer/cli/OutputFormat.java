// The two output forms of every command.
package org.ocitransfer.cli;

/** How a command prints its result: a table for people, or the resource as JSON for scripts. */
public enum OutputFormat {
    /** Columns (lists) or one field per line (single resources). */
    table,
    /** The resource as the API models it; a JSON array for lists. */
    json
}
