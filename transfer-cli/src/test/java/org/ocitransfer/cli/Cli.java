// Runs the real command line in-process for tests: the picocli entry point with captured stdout, stderr and exit code.
package org.ocitransfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ocitransfer.core.state.Json;

/** Runs {@code transfer} commands against one state directory, capturing what they print. */
final class Cli {

    private final List<String> stateArgs;
    private final boolean terminal;

    Cli(Path stateDir) {
        this(stateDir, false);
    }

    Cli(Path stateDir, boolean terminal) {
        this(List.of("--state-dir", stateDir.toString()), terminal);
    }

    /** With other state options (e.g. {@code --state-uri}), put before every command. */
    Cli(List<String> stateArgs, boolean terminal) {
        this.stateArgs = List.copyOf(stateArgs);
        this.terminal = terminal;
    }

    /** Runs {@code transfer <state options> args...} with empty stdin. */
    Result run(String... args) {
        return runWithStdin("", args);
    }

    /** Runs it with the given text on stdin. */
    Result runWithStdin(String stdin, String... args) {
        List<String> all = new ArrayList<>(stateArgs);
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(new CliIo(o, e, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), terminal),
                    all.toArray(String[]::new));
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                String.join(" ", args));
    }

    /**
     * What a command did.
     *
     * @param exitCode its exit code
     * @param out      its stdout
     * @param err      its stderr
     * @param command  the arguments, for assertion messages
     */
    record Result(int exitCode, String out, String err, String command) {

        /** Stdout parsed as JSON. */
        JsonNode json() {
            try {
                return Json.mapper().readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout of '" + command + "' is not JSON:\n" + out + "\nstderr:\n" + err, e);
            }
        }

        /** For assertion messages. */
        String describe() {
            return "transfer " + command + " -> " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }
}
