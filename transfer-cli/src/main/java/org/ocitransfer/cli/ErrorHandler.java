// Turns an exception thrown by a command into a message on stderr and an exit code.
package org.ocitransfer.cli;

import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.api.TransferException;
import picocli.CommandLine;

/**
 * Prints what went wrong (the SDK's messages say what to do, and never carry a secret) and picks the exit code:
 * {@link ExitCodes#USAGE} for invalid input ({@link IllegalArgumentException}) and names that do not exist
 * ({@link ResourceNotFoundException}), {@link ExitCodes#FAILED} for everything else. {@code --verbose} adds the
 * stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    private final CliIo io;

    ErrorHandler(CliIo io) {
        this.io = io;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        boolean usage = e instanceof IllegalArgumentException || e instanceof ResourceNotFoundException;
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!(e instanceof TransferException) && !(e instanceof IllegalArgumentException)) {
            message = "unexpected " + e.getClass().getName() + ": " + message + " (run again with --verbose for the"
                    + " stack trace, and please report it)";
        }
        io.err().println("error: " + message);
        if (usage) {
            io.err().println("See '" + commandLine.getCommandSpec().qualifiedName() + " --help'.");
        }
        Object root = commandLine.getCommandSpec().root().userObject();
        if (root instanceof TransferCommand transfer && transfer.verbose()) {
            e.printStackTrace(io.err());
        }
        return usage ? ExitCodes.USAGE : ExitCodes.FAILED;
    }
}
