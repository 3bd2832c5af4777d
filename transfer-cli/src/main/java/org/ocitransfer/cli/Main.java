// The entry point of the `transfer` command line.
package org.ocitransfer.cli;

import java.util.Arrays;
import picocli.CommandLine;

/**
 * Runs {@code transfer}: {@code export-pipeline}, {@code import-pipeline}, {@code pipeline-run} and
 * {@code blob copy}. Exit codes are in {@link ExitCodes}.
 */
public final class Main {

    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Main() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // Library logs stay quiet (errors are printed by the commands themselves) unless --verbose; this must be set
        // before the first logger is created.
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, Arrays.asList(args).contains("--verbose") ? "info" : "error");
        }
        CliIo io;
        try {
            io = CliIo.system();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(ExitCodes.USAGE);
            return;
        }
        System.exit(run(io, args));
    }

    /**
     * Runs one invocation with the given streams, without exiting: what tests call.
     *
     * @return the exit code
     */
    public static int run(CliIo io, String... args) {
        return commandLine(io).execute(args);
    }

    /** The configured picocli command line. */
    static CommandLine commandLine(CliIo io) {
        CommandLine commandLine = new CommandLine(new TransferCommand(io));
        commandLine.setOut(new java.io.PrintWriter(io.out(), true));
        commandLine.setErr(new java.io.PrintWriter(io.err(), true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // An unknown option is a usage error wherever it stands, also after an option that takes several values
        // (picocli would otherwise take "-a repo --bogus" as two artifacts).
        commandLine.setUnmatchedOptionsAllowedAsOptionParameters(false);
        commandLine.setUnmatchedOptionsArePositionalParams(false);
        // "@file" is az's form of a parameter file (--parameters @azuredeploy.parameters.json), not picocli's
        // argument file.
        commandLine.setExpandAtFiles(false);
        commandLine.setExecutionExceptionHandler(new ErrorHandler(io));
        return commandLine;
    }
}
