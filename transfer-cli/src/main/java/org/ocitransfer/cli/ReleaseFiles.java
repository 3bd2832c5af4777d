// Writes the release's generated files from the commands themselves: shell completion and the man page.
package org.ocitransfer.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Run at build time (the release tarball, see transfer-cli/pom.xml): {@code ReleaseFiles <dir>} writes
 * {@code completion/transfer.bash} and {@code completion/transfer.zsh} (picocli's {@link AutoComplete} script,
 * which serves both shells: in zsh it turns on {@code bashcompinit} itself) and {@code man/man1/transfer.1}, one man
 * page in troff written from the command specs (no AsciiDoc converter is needed), with every command and option.
 */
final class ReleaseFiles {

    private ReleaseFiles() {
    }

    /** Writes the files under {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ReleaseFiles <output directory>");
        }
        Path dir = Path.of(args[0]);
        CommandLine commandLine = Main.commandLine(new CliIo(System.out, System.err,
                new ByteArrayInputStream(new byte[0]), false));
        String completion = AutoComplete.bash("transfer", commandLine);
        write(dir.resolve("completion/transfer.bash"), completion);
        write(dir.resolve("completion/transfer.zsh"), completion);
        write(dir.resolve("man/man1/transfer.1"), manPage(commandLine.getCommandSpec()));
    }

    /** The man page of {@code transfer} and every subcommand, in troff ({@code man 7 groff_man}). */
    static String manPage(CommandSpec root) {
        StringBuilder page = new StringBuilder();
        String version = root.version().length == 0 ? "" : root.version()[0];
        page.append(".TH TRANSFER 1 \"\" ").append(quoted(version)).append(" \"User Commands\"\n");
        // No hyphenation, left-aligned: option names and URIs stay whole.
        page.append(".nh\n.ad l\n");
        page.append(".SH NAME\ntransfer \\- ").append(text(root.usageMessage().description()[0].replaceAll(":$", "")))
                .append('\n');
        page.append(".SH SYNOPSIS\n");
        synopsis(page, root);
        page.append(".SH DESCRIPTION\n");
        paragraphs(page, root.usageMessage().description());
        page.append(".SH OPTIONS\nThese options apply to every command.\n");
        options(page, root, true);
        page.append(".SH COMMANDS\n");
        for (CommandSpec command : leaves(root)) {
            page.append(".SS ").append(quoted(command.qualifiedName())).append('\n');
            synopsis(page, command);
            paragraphs(page, command.usageMessage().description());
            options(page, command, false);
        }
        page.append(".SH ENVIRONMENT\n");
        environment(page, "TRANSFER_HOME", "The state directory when --state-dir is not given (default ~/.transfer).");
        environment(page, "JAVA_OPTS", "Options for the Java runtime, split into words, e.g. \"-Xmx512m"
                + " -Dhttps.proxyHost=proxy\".");
        environment(page, "JAVA_HOME", "The Java runtime (17 or later) to use; else the java on PATH.");
        environment(page, StderrTerminal.VARIABLE, "always, never or auto (default): whether a run draws a live"
                + " progress bar on stderr; auto draws it when stderr is a terminal.");
        environment(page, "TRANSFER_REGISTRY_USERNAME, TRANSFER_REGISTRY_PASSWORD", "Registry credentials when"
                + " --username is not given; then the docker config.json is read.");
        page.append(".SH EXIT STATUS\n");
        for (String line : root.usageMessage().footer()) {
            if (!line.isBlank()) {
                page.append(text(line.replace("Exit codes: ", ""))).append('\n');
            }
        }
        page.append(".SH FILES\n.TP\n.I ~/.transfer\nPipeline and run records (see --state-dir).\n");
        return page.toString();
    }

    /** Every command that runs something, depth first, in declaration order. */
    private static List<CommandSpec> leaves(CommandSpec spec) {
        List<CommandSpec> leaves = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values()) {
            if (sub.getSubcommands().isEmpty()) {
                leaves.add(sub.getCommandSpec());
            } else {
                leaves.addAll(leaves(sub.getCommandSpec()));
            }
        }
        return leaves;
    }

    private static void synopsis(StringBuilder page, CommandSpec spec) {
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        String synopsis = help.synopsis(0).replaceAll("\\s+", " ").strip();
        page.append(".PP\n.B ").append(text(synopsis)).append('\n');
    }

    private static void paragraphs(StringBuilder page, String[] lines) {
        for (String line : lines) {
            page.append(".PP\n").append(text(line)).append('\n');
        }
    }

    /** The options of a command; {@code inherited} says whether to list those every command inherits. */
    private static void options(StringBuilder page, CommandSpec spec, boolean inherited) {
        for (OptionSpec option : spec.options()) {
            boolean standard = option.usageHelp() || option.versionHelp();
            if (option.hidden() || option.inherited() || (standard && !inherited)) {
                continue;
            }
            page.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String name : option.names()) {
                names.add("\\fB" + text(name) + "\\fR");
            }
            page.append(String.join(", ", names));
            if (option.typeInfo().isBoolean() && option.arity().max() == 0) {
                page.append('\n');
            } else {
                page.append(" \\fI").append(text(option.paramLabel())).append("\\fR")
                        .append(option.isMultiValue() ? "..." : "").append('\n');
            }
            page.append(text(String.join(" ", option.renderedDescription()))).append('\n');
            if (option.required()) {
                page.append("Required.\n");
            }
        }
    }

    private static void environment(StringBuilder page, String name, String description) {
        page.append(".TP\n.B ").append(text(name)).append('\n').append(text(description)).append('\n');
    }

    /** Escapes text for troff: backslashes, hyphens (so they are not hyphenation points), leading control dots. */
    static String text(String line) {
        String escaped = line.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    private static String quoted(String value) {
        return "\"" + text(value).replace("\"", "\\(dq") + "\"";
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
