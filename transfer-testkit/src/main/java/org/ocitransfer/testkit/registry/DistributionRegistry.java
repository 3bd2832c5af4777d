package org.ocitransfer.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.ocitransfer.testkit.assertions.SpecDocuments;
import org.ocitransfer.testkit.tools.ExternalTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real CNCF Distribution registry ({@code docker-registry serve config.yml}, the Debian package, 2.8) running as
 * a process on a free {@code 127.0.0.1} port with its own temporary storage directory, for tests.
 *
 * <p>Open, basic-auth (bcrypt htpasswd made by {@code htpasswd}) or token-auth (trusting a {@link TokenServer})
 * mode. Filesystem storage with delete enabled, redirects off, log level warn; the process's output goes to
 * {@link #logFile()} inside {@link #storageDir()}, never to the test's stdout. Upload {@code Location}s are absolute
 * URLs built from the request's {@code Host} (so they point back through a proxy in front), or relative with
 * {@link Builder#relativeUrls(boolean)}.
 *
 * <pre>{@code
 * try (DistributionRegistry registry = DistributionRegistry.start(AuthMode.BASIC)) {
 *     String url = registry.url();   // http://127.0.0.1:PORT
 *     ... registry.username(), registry.password() ...
 * }
 * }</pre>
 *
 * <p>Not thread-safe for its lifecycle methods ({@link #restart()}, {@link #kill()}, {@link #close()}); the
 * registry itself serves any number of concurrent clients.
 */
public final class DistributionRegistry implements AutoCloseable {

    /** The command that installs the registry binary. */
    public static final String INSTALL_REGISTRY = "apt-get install -y docker-registry";
    /** The command that installs {@code htpasswd}. */
    public static final String INSTALL_HTPASSWD = "apt-get install -y apache2-utils";

    private static final Logger LOG = LoggerFactory.getLogger(DistributionRegistry.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "distribution-registry-reaper"));
    }

    private final AuthMode mode;
    private final Path executable;
    private final Path storageDir;
    private final Path configFile;
    private final Path logFile;
    private final String username;
    private final String password;
    private final String httpSecret = randomHex(16);
    private final boolean relativeUrls;
    private final Duration startTimeout;
    private final TokenServer tokenServer;
    private final boolean checkDocuments;
    private int port;
    private Process process;
    private boolean closed;

    private DistributionRegistry(Builder b, Path executable, Path storageDir) {
        this.mode = b.mode;
        this.executable = executable;
        this.storageDir = storageDir;
        this.configFile = storageDir.resolve("config.yml");
        this.logFile = storageDir.resolve("registry.log");
        this.relativeUrls = b.relativeUrls;
        this.startTimeout = b.startTimeout;
        this.checkDocuments = b.checkDocuments;
        this.username = mode == AuthMode.OPEN ? null : b.username;
        this.password = mode == AuthMode.OPEN ? null : (b.password != null ? b.password : randomHex(12));
        TokenServer tokens = null;
        try {
            Files.createDirectories(dataDir());
            if (mode == AuthMode.BASIC) {
                RegistryFiles.writeHtpasswd(storageDir.resolve("htpasswd"), username, password);
            } else if (mode == AuthMode.TOKEN) {
                TokenServer.Builder tb = TokenServer.builder().service("ocitransfer-test-registry")
                        .user(username, password);
                b.tokenServerCustomizer.accept(tb);
                tokens = tb.start();
                Files.writeString(storageDir.resolve("rootcert.pem"), tokens.certificate().certificatePem());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the registry's directory " + storageDir, e);
        }
        this.tokenServer = tokens;
    }

    /** Starts a registry in this auth mode with default settings (user {@code testuser}, a random password). */
    public static DistributionRegistry start(AuthMode mode) {
        return builder().auth(mode).start();
    }

    /** A builder for other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://" + host();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The port it listens on (the same across {@link #restart()}). */
    public int port() {
        return port;
    }

    /** Its auth mode. */
    public AuthMode authMode() {
        return mode;
    }

    /** The user name (basic and token modes), or null in open mode. */
    public String username() {
        return username;
    }

    /** The password (basic and token modes), or null in open mode. */
    public String password() {
        return password;
    }

    /**
     * The registry's own temporary directory, deleted by {@link #close()}: holds {@code config.yml}, the log
     * file, auth files and {@code data/} (the filesystem driver's root directory).
     */
    public Path storageDir() {
        return storageDir;
    }

    /** The filesystem driver's root directory ({@code storageDir()/data}). */
    public Path dataDir() {
        return storageDir.resolve("data");
    }

    /** How many files {@link #dataDir()} holds (0 before anything is stored): to see that nothing was written. */
    public long storedFiles() {
        if (!Files.exists(dataDir())) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dataDir())) {
            return walk.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not count the files under " + dataDir(), e);
        }
    }

    /** The process's output (stdout and stderr, across restarts). */
    public Path logFile() {
        return logFile;
    }

    /**
     * The token server the registry trusts.
     *
     * @throws IllegalStateException unless the mode is {@link AuthMode#TOKEN}
     */
    public TokenServer tokenServer() {
        if (tokenServer == null) {
            throw new IllegalStateException("This registry runs in " + mode + " mode: only TOKEN mode has a token"
                    + " server");
        }
        return tokenServer;
    }

    /** Whether the process is running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the process (gracefully; at once if already killed) and starts it again on the same port with the
     * same storage, waiting until it answers.
     */
    public void restart() {
        stopProcess();
        launch();
    }

    /** Kills the process with SIGKILL, as a crash would; {@link #restart()} brings it back. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(10));
            LIVE.remove(p);
        }
    }

    /**
     * Stops the process and the token server, and deletes the storage directory. Idempotent.
     *
     * <p>Before deleting, checks every manifest the registry stored against the OCI specs' field sets
     * ({@link SpecDocuments}), unless {@link Builder#checkDocuments(boolean)} turned it off: so every test that
     * writes to a registry checks that what was written holds only fields the specs define.
     *
     * @throws AssertionError (after cleaning up) listing each manifest field no spec defines
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        List<String> violations = checkDocuments && Files.isDirectory(dataDir())
                ? SpecDocuments.registryStorageViolations(dataDir()) : List.of();
        if (tokenServer != null) {
            tokenServer.close();
        }
        RegistryFiles.deleteTree(storageDir);
        SpecDocuments.fail("The registry " + url(), violations);
    }

    /** The last part of the process's output, for failure messages. */
    public String logTail() {
        try {
            String log = Files.readString(logFile, StandardCharsets.UTF_8);
            return log.length() > 4000 ? "..." + log.substring(log.length() - 4000) : log;
        } catch (NoSuchFileException e) {
            return "(no output)";
        } catch (IOException e) {
            return "(the log " + logFile + " cannot be read: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "DistributionRegistry[" + url() + ", " + mode + "]";
    }

    private void firstStart() {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                launch();
                return;
            } catch (IllegalStateException e) {
                // Another process took the port between our probe and the registry's bind: try another one.
                if (attempt >= 5 || !logTail().contains("address already in use")) {
                    throw e;
                }
                LOG.debug("Port {} was taken before the registry bound it; trying another", port);
            }
        }
    }

    private void launch() {
        try {
            Files.writeString(configFile, RegistryFiles.config(dataDir(), host(), httpSecret, relativeUrls, mode,
                    storageDir.resolve("htpasswd"), tokenServer, storageDir.resolve("rootcert.pem")),
                    StandardCharsets.UTF_8);
            Files.writeString(logFile, "--- starting " + executable + " on " + host() + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(executable.toString(), "serve", configFile.toString())
                    .directory(storageDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // The registry lets REGISTRY_* variables override its configuration: keep the caller's out.
            pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
            process = pb.start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + executable + " (install it with `"
                    + INSTALL_REGISTRY + "`)", e);
        }
        awaitReady();
        LOG.debug("Distribution registry {} ({} mode) is up, storage {}", url(), mode, storageDir);
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(url() + "/v2/")).timeout(Duration.ofSeconds(2))
                .GET().build();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                LIVE.remove(process);
                throw new IllegalStateException("The registry process exited with status " + process.exitValue()
                        + " before answering on " + host() + "; its output:\n" + logTail());
            }
            try {
                HttpResponse<Void> response = client.send(ping, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return;
                }
            } catch (IOException e) {
                LOG.trace("Registry {} not up yet: {}", host(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopProcess();
                throw new IllegalStateException("Interrupted while waiting for the registry on " + host(), e);
            }
            if (System.nanoTime() > deadline) {
                stopProcess();
                throw new IllegalStateException("The registry did not answer GET /v2/ on " + host() + " within "
                        + startTimeout.toSeconds() + " s; its output:\n" + logTail());
            }
            sleep(25);
        }
    }

    private void stopProcess() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            p.destroy();
            if (!waitFor(p, Duration.ofSeconds(10))) {
                p.destroyForcibly();
                waitFor(p, Duration.ofSeconds(10));
            }
        }
        LIVE.remove(p);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free loopback port", e);
        }
    }

    static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the registry", e);
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Settings for a {@link DistributionRegistry}; {@link #start()} starts it. */
    public static final class Builder {
        private AuthMode mode = AuthMode.OPEN;
        private String username = "testuser";
        private String password;
        private boolean relativeUrls;
        private String executable = "docker-registry";
        private Path parentDir;
        private Duration startTimeout = Duration.ofSeconds(30);
        private Consumer<TokenServer.Builder> tokenServerCustomizer = b -> { };
        private boolean checkDocuments = true;

        private Builder() {
        }

        /** The auth mode (default {@link AuthMode#OPEN}). */
        public Builder auth(AuthMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The user and password for basic and token modes (default {@code testuser} and a random password). */
        public Builder credentials(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Whether upload {@code Location}s are relative URLs (default false: absolute, from the Host header). */
        public Builder relativeUrls(boolean relativeUrls) {
            this.relativeUrls = relativeUrls;
            return this;
        }

        /** The registry binary: a name looked up on the PATH or an absolute path (default docker-registry). */
        public Builder executable(String executable) {
            this.executable = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /** Where the registry's temporary directory is made (default: the system temp dir). */
        public Builder parentDir(Path parentDir) {
            this.parentDir = parentDir;
            return this;
        }

        /** How long to wait for {@code GET /v2/} to answer (default 30 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /**
         * Adjusts the token server of TOKEN mode before it starts (extra endpoints, policy, token lifetime). The
         * service and the user are already set.
         */
        public Builder tokenServer(Consumer<TokenServer.Builder> customizer) {
            this.tokenServerCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Whether {@link DistributionRegistry#close()} checks the stored manifests against the OCI specs' field
         * sets (default true). Turn it off only for a test that pushes non-conforming manifests on purpose.
         */
        public Builder checkDocuments(boolean check) {
            this.checkDocuments = check;
            return this;
        }

        /**
         * Starts the registry and waits until it answers.
         *
         * @throws IllegalStateException naming the install command when the binary (or htpasswd) is missing, or
         *                               with the process's output when it does not come up
         */
        public DistributionRegistry start() {
            Path binary = ExternalTool.require(executable, INSTALL_REGISTRY);
            if (mode == AuthMode.BASIC) {
                ExternalTool.require("htpasswd", INSTALL_HTPASSWD);
            }
            Path dir;
            try {
                dir = parentDir == null ? Files.createTempDirectory("distribution-registry")
                        : Files.createTempDirectory(Files.createDirectories(parentDir), "distribution-registry");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not make a directory for the registry", e);
            }
            DistributionRegistry registry;
            try {
                registry = new DistributionRegistry(this, binary, dir);
            } catch (RuntimeException e) {
                RegistryFiles.deleteTree(dir);
                throw e;
            }
            try {
                registry.firstStart();
                return registry;
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
        }
    }
}
