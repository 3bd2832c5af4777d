// The streams a command line invocation reads and writes, so tests can run commands in-process.
package org.ocitransfer.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * Where one invocation of the command line reads and writes.
 *
 * @param out      results: tables and JSON
 * @param err      progress, notes and errors
 * @param in       standard input (for {@code --password-stdin})
 * @param terminal whether {@code err} is an interactive terminal: a live progress bar instead of plain lines
 */
public record CliIo(PrintStream out, PrintStream err, InputStream in, boolean terminal) {

    /**
     * The process's own streams; a terminal when stderr is one ({@link StderrTerminal}).
     *
     * @throws IllegalArgumentException when TRANSFER_PROGRESS holds a value other than always, never or auto
     */
    public static CliIo system() {
        return new CliIo(System.out, System.err, System.in, StderrTerminal.ofThisProcess());
    }
}
