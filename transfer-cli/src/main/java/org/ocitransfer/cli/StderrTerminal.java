// Decides whether stderr is an interactive terminal, where the live progress bar goes.
package org.ocitransfer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the progress bar is drawn: it goes to stderr, so what counts is whether stderr is a terminal, whatever
 * stdout and stdin are ({@code -o json > run.json}, {@code --password-stdin}). Java 17 has no call for that:
 * on Linux the link {@code /proc/self/fd/2} names the device ({@code /dev/pts/N}, {@code /dev/ttyN},
 * {@code /dev/console}); where there is no {@code /proc}, {@link System#console()} (stdin and stdout both
 * terminals) is the fallback. The environment variable {@value #VARIABLE} overrides it: {@code always},
 * {@code never} or {@code auto} (the default).
 */
final class StderrTerminal {

    /** The environment variable that overrides the decision. */
    static final String VARIABLE = "TRANSFER_PROGRESS";

    private static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

    private StderrTerminal() {
    }

    /**
     * This process's answer, from {@value #VARIABLE}, {@code /proc/self/fd/2} and the console.
     *
     * @throws IllegalArgumentException when {@value #VARIABLE} holds another value
     */
    static boolean ofThisProcess() {
        return decide(System.getenv(VARIABLE), stderrTarget(STDERR_LINK), System.console() != null);
    }

    /**
     * The decision.
     *
     * @param setting      {@value #VARIABLE}'s value, or null
     * @param stderrTarget what file descriptor 2 links to, when known
     * @param console      whether the JVM has a console (the fallback when the target is not known)
     * @throws IllegalArgumentException when the setting is not always, never or auto
     */
    static boolean decide(String setting, Optional<String> stderrTarget, boolean console) {
        String mode = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> stderrTarget.map(StderrTerminal::isTerminalDevice).orElse(console);
            default -> throw new IllegalArgumentException(VARIABLE + "='" + setting + "' is not a progress mode: use"
                    + " always (draw the progress bar), never (plain progress lines) or auto (a bar when stderr is a"
                    + " terminal), or unset it");
        };
    }

    /** Whether a device path is a terminal: a pseudo-terminal, a virtual or serial terminal, or the console. */
    static boolean isTerminalDevice(String path) {
        return path.startsWith("/dev/pts/") || path.startsWith("/dev/tty") || path.equals("/dev/console");
    }

    /** What a /proc fd link points to; empty where there is no such link (no /proc: not Linux). */
    static Optional<String> stderrTarget(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
