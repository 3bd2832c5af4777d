// Starts a real Azurite blob service (npm azurite) on a free loopback port and makes containers and SAS tokens for tests.
package org.ocitransfer.testkit.azure;

import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import com.azure.storage.common.sas.SasProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;
import org.ocitransfer.testkit.tools.ExternalTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Azurite blob service ({@code azurite-blob} from the npm package {@code azurite}) on a free loopback port,
 * in memory, with {@code --skipApiVersionCheck} (the Java SDK speaks a newer API version than Azurite knows).
 * Plain http by default; {@link #startWithOAuth} runs it over https with a test certificate and
 * {@code --oauth basic}, so clients can use a {@code TokenCredential} (Azurite takes bearer tokens over https only).
 * Makes containers and SAS tokens with the well-known {@code devstoreaccount1} key. {@link #close()} kills the whole
 * process tree.
 */
public final class Azurite implements AutoCloseable {

    /** The emulator's well-known account. */
    public static final String ACCOUNT = "devstoreaccount1";
    /** The emulator's well-known, publicly documented account key. */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    /** The command that installs Azurite. */
    public static final String INSTALL = "npm install -g azurite";

    private static final Logger LOG = LoggerFactory.getLogger(Azurite.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final boolean https;
    private final HttpClient httpClient;
    private final Path log;
    private final BlobServiceClient admin;
    private final AtomicInteger containers = new AtomicInteger();

    private Azurite(Process process, int port, boolean https, HttpClient httpClient, Path log) {
        this.process = process;
        this.port = port;
        this.https = https;
        this.httpClient = httpClient;
        this.log = log;
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder().endpoint(accountUrl())
                .credential(new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY));
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        this.admin = builder.buildClient();
    }

    /** Starts Azurite over plain http. @param workDir for its log */
    public static Azurite start(Path workDir) {
        return start(workDir, null);
    }

    /**
     * Starts Azurite over https with {@code certificate} and {@code --oauth basic}: clients must trust the
     * certificate ({@link #httpClient()}) and may authenticate with bearer tokens (e.g.
     * {@link EntraIdStandInCredential}) as well as SAS tokens.
     */
    public static Azurite startWithOAuth(Path workDir, SelfSignedCertificate certificate) {
        return start(workDir, certificate);
    }

    private static Azurite start(Path workDir, SelfSignedCertificate certificate) {
        Path binary = ExternalTool.require("azurite-blob", INSTALL);
        try {
            Files.createDirectories(workDir);
            List<String> tls = new ArrayList<>();
            if (certificate != null) {
                Path cert = workDir.resolve("azurite-cert.pem");
                Path key = workDir.resolve("azurite-key.pem");
                Files.writeString(cert, certificate.certificatePem(), StandardCharsets.US_ASCII);
                Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.privateKey().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
                tls.addAll(List.of("--cert", cert.toString(), "--key", key.toString(), "--oauth", "basic"));
            }
            long started = System.nanoTime();
            IllegalStateException last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = freePort();
                Path log = workDir.resolve("azurite-" + port + ".log");
                List<String> command = new ArrayList<>(List.of(binary.toString(), "--blobHost", "127.0.0.1",
                        "--blobPort", String.valueOf(port), "--inMemoryPersistence", "--skipApiVersionCheck",
                        "--loose", "--disableTelemetry"));
                command.addAll(tls);
                Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                try {
                    awaitListening(process, port, log);
                    LOG.info("Azurite listening on {}://127.0.0.1:{} after {} ms (log {})",
                            certificate != null ? "https" : "http", port, (System.nanoTime() - started) / 1_000_000,
                            log);
                    return new Azurite(process, port, certificate != null,
                            certificate != null ? TestHttpClients.trusting(certificate) : null, log);
                } catch (IllegalStateException e) {
                    kill(process);
                    last = e;
                }
            }
            throw last;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Azurite (" + binary + ")", e);
        }
    }

    private static void awaitListening(Process process, int port, Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + process.exitValue() + " before listening on"
                        + " port " + port + ": " + tail(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("Azurite did not listen on port " + port + " within " + START_TIMEOUT
                + ": " + tail(log));
    }

    /** The emulator's process id. */
    public long pid() {
        return process.pid();
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** The account endpoint, {@code http(s)://127.0.0.1:PORT/devstoreaccount1}. */
    public String accountUrl() {
        return (https ? "https" : "http") + "://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** A container's URI (path style), whether or not it exists. */
    public URI containerUri(String container) {
        return URI.create(accountUrl() + "/" + container);
    }

    /** Creates a container (if absent) and returns its URI. */
    public URI createContainer(String container) {
        admin.getBlobContainerClient(container).createIfNotExists();
        return containerUri(container);
    }

    /** Creates a container named {@code prefix} and a number no earlier call here gave, and returns the name. */
    public String newContainer(String prefix) {
        String name = prefix + containers.incrementAndGet();
        createContainer(name);
        return name;
    }

    /** An admin client (shared key) for arranging and inspecting test state. */
    public BlobServiceClient serviceClient() {
        return admin;
    }

    /** An admin client for one container. */
    public BlobContainerClient containerClient(String container) {
        return admin.getBlobContainerClient(container);
    }

    /** The HTTP client that trusts this instance's certificate (https mode), or null over plain http. */
    public HttpClient httpClient() {
        return httpClient;
    }

    /**
     * A container SAS (service SAS, {@code sr=c}), without a leading {@code ?}.
     *
     * @param permissions letters such as {@code racwl}
     * @param expiry      when it expires (may be in the past, to test expiry handling)
     */
    public String containerSas(String container, String permissions, OffsetDateTime expiry) {
        return containerSas(container, permissions, null, expiry, SasProtocol.HTTPS_HTTP);
    }

    /** A container SAS with a start time and protocol ({@code SasProtocol.HTTPS_ONLY} gives {@code spr=https}). */
    public String containerSas(String container, String permissions, OffsetDateTime start, OffsetDateTime expiry,
                               SasProtocol protocol) {
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(expiry,
                BlobContainerSasPermission.parse(permissions)).setProtocol(protocol);
        if (start != null) {
            values.setStartTime(start);
        }
        return admin.getBlobContainerClient(container).generateSas(values);
    }

    /** An account SAS for the blob service with the given resource types (e.g. {@code co}) and permissions. */
    public String accountSas(String resourceTypes, String permissions, OffsetDateTime expiry) {
        return admin.generateAccountSas(new AccountSasSignatureValues(expiry,
                AccountSasPermission.parse(permissions), AccountSasService.parse("b"),
                AccountSasResourceType.parse(resourceTypes)).setProtocol(SasProtocol.HTTPS_HTTP));
    }

    /** Stops Azurite: its whole process tree. */
    @Override
    public void close() {
        long started = System.nanoTime();
        kill(process);
        LOG.info("Azurite on port {} stopped in {} ms", port, (System.nanoTime() - started) / 1_000_000);
    }

    /** The last lines of its log, for failure messages. */
    public String logTail() {
        return tail(log);
    }

    private static void kill(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Azurite", e);
        }
    }
}
