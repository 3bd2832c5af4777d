// Runs a docker credential helper (docker-credential-<name> get): host on stdin, {"Username","Secret"} on stdout.
package org.ocitransfer.core.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ocitransfer.api.TransferException;

/**
 * One docker credential helper, {@code docker-credential-<name>}, found on a given PATH and run as docker runs it:
 * {@code docker-credential-<name> get} with the server ({@code host[:port]}, or {@code https://index.docker.io/v1/}
 * for Docker Hub) on stdin, answering {@code {"ServerURL","Username","Secret"}} on stdout. A {@code Username} of
 * {@code <token>} means the secret is an identity (refresh) token. The answer "credentials not found in native
 * keychain" means no credential. The helper gets {@link #DEFAULT_TIME_LIMIT} (10 s) and is killed past it.
 *
 * <p>Errors name the helper, its exit status and the first line of its stderr; never its stdout, which may hold
 * the secret.
 */
final class CredentialHelper {

    /** How long a helper may run. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(10);
    private static final String NOT_FOUND = "credentials not found in native keychain";
    private static final String TOKEN_USER = "<token>";
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String program;
    private final Path executable;
    private final Duration timeLimit;

    private CredentialHelper(String program, Path executable, Duration timeLimit) {
        this.program = program;
        this.executable = executable;
        this.timeLimit = timeLimit;
    }

    /**
     * The helper {@code docker-credential-<name>} on this PATH ({@code dir:dir:...}), or empty when no directory
     * holds it as an executable file.
     */
    public static Optional<CredentialHelper> find(String name, String path, Duration timeLimit) {
        String program = "docker-credential-" + name;
        if (path == null || name.isBlank() || name.contains("/")) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new CredentialHelper(program, candidate, timeLimit));
            }
        }
        return Optional.empty();
    }

    /** {@code docker-credential-<name>}. */
    public String program() {
        return program;
    }

    /**
     * Asks the helper for the server's credential.
     *
     * @param server what docker passes: {@code host[:port]}, or {@code https://index.docker.io/v1/}
     * @return the credential, or empty when the helper has none for the server
     * @throws TransferException when the helper fails, runs past its time limit, or answers something unreadable,
     *                           naming the helper, never its output
     */
    public Optional<RegistryCredential> get(String server) {
        Process process;
        try {
            process = new ProcessBuilder(executable.toString(), "get").start();
        } catch (IOException e) {
            throw new TransferException("The credential helper " + program + " (" + executable + ") could not be"
                    + " started: " + e.getMessage() + "; fix or reinstall it, or remove it from the docker config", e);
        }
        CompletableFuture<byte[]> stdout = read(process.getInputStream());
        CompletableFuture<byte[]> stderr = read(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(server.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The helper may exit without reading stdin; its status says what happened.
        }
        int status;
        byte[] out;
        byte[] err;
        try {
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new TransferException("The credential helper " + program + " did not answer within "
                        + (timeLimit.toMillis() % 1000 == 0 ? timeLimit.toSeconds() + " s" : timeLimit.toMillis()
                        + " ms") + " for " + server + " and was stopped; check that it works"
                        + " (it may be waiting for a keyring to be unlocked): echo " + server + " | " + program
                        + " get");
            }
            status = process.exitValue();
            out = stdout.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
            err = stderr.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TransferException("Interrupted while running the credential helper " + program, e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new TransferException("The output of the credential helper " + program + " could not be read", e);
        }
        String outText = new String(out, StandardCharsets.UTF_8).trim();
        String errText = new String(err, StandardCharsets.UTF_8).trim();
        if (status != 0) {
            if (outText.equals(NOT_FOUND) || errText.contains(NOT_FOUND)) {
                return Optional.empty();
            }
            String first = firstLine(errText);
            throw new TransferException("The credential helper " + program + " failed for " + server + " (exit status "
                    + status + (first.isEmpty() ? ", nothing on stderr" : ": " + first) + "); check that it works:"
                    + " echo " + server + " | " + program + " get");
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(out);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject()) {
            throw new TransferException("The credential helper " + program + " answered " + server + " with something"
                    + " that is not the JSON object {\"Username\",\"Secret\"} docker helpers give; check that it is a"
                    + " docker credential helper");
        }
        String username = answer.path("Username").asText("");
        String secret = answer.path("Secret").asText("");
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TOKEN_USER.equals(username)
                ? RegistryCredential.identityToken("00000000-0000-0000-0000-000000000000", secret)
                : RegistryCredential.basic(username, secret));
    }

    private static CompletableFuture<byte[]> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                byte[] bytes = stream.readNBytes(MAX_OUTPUT);
                stream.transferTo(OutputStream.nullOutputStream()); // drain the rest so the helper never blocks
                return bytes;
            } catch (IOException e) {
                return new byte[0];
            }
        }, task -> {
            Thread t = new Thread(task, "credential-helper-output");
            t.setDaemon(true);
            t.start();
        });
    }

    private static String firstLine(String text) {
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String line = r.readLine();
            line = line == null ? "" : line.trim();
            return line.length() > 200 ? line.substring(0, 200) + "..." : line;
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "CredentialHelper[" + program + "]";
    }
}
