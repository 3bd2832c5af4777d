// The entry point of the `transfer` command line.
package org.ocitransfer.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Runs {@code transfer}: {@code export-pipeline}, {@code import-pipeline}, {@code pipeline-run} and
 * {@code blob copy}. Exit codes are in {@link ExitCodes}.
 */
public final class Main {

    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    /** The command groups under {@code transfer}, by name, in the order its help lists them. */
    private static final Map<String, Class<?>> GROUPS = groups(ExportPipelineCommand.class,
            ImportPipelineCommand.class, PipelineRunCommand.class, BlobCommand.class, WatchCommand.class,
            CopyCommand.class, ArchiveCommand.class);

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
        // picocli builds the model of every command it holds (reflection over each option) before it parses: about a
        // quarter of a record command's start-up with all of them. The group the arguments name is built alone when
        // they parse as that group's command; anything else (help, a usage error, an option value that looks like a
        // group's name) runs on the whole tree, which also words the errors.
        String group = Arrays.stream(args).filter(GROUPS::containsKey).findFirst().orElse(null);
        if (group != null) {
            CommandLine one = commandLine(io, group);
            try {
                ParseResult parsed = one.parseArgs(args);
                if (parsed.hasSubcommand() && parsed.subcommand().commandSpec().name().equals(group)) {
                    return one.execute(args);
                }
            } catch (ParameterException e) {
                // reported by the whole tree below
            }
        }
        return commandLine(io).execute(args);
    }

    /** The configured picocli command line, with every command. */
    static CommandLine commandLine(CliIo io) {
        return commandLine(io, null);
    }

    /** The configured picocli command line, with one command group (or every one when {@code group} is null). */
    static CommandLine commandLine(CliIo io, String group) {
        CommandLine commandLine = new CommandLine(new TransferCommand(io));
        GROUPS.forEach((name, type) -> {
            if (group == null || group.equals(name)) {
                commandLine.addSubcommand(name, type);
            }
        });
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

    private static Map<String, Class<?>> groups(Class<?>... types) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> type : types) {
            byName.put(type.getAnnotation(Command.class).name(), type);
        }
        return byName;
    }
}
