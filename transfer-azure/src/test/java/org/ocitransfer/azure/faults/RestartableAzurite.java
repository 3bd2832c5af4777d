// Azurite with its data on disk, restartable on the same port: the fault tests' "storage service restarted".
package org.ocitransfer.azure.faults;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.SasProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.tools.ExternalTool;

/**
 * The real Azurite ({@code azurite-blob}) with {@code --location} on disk instead of the kit's in-memory
 * persistence, on a port that stays the same across {@link #restart()}: what a storage service restart looks like
 * to a client (committed blobs and containers survive; connections break). The kit's {@link Azurite} keeps its data
 * in memory and picks a new port per start, so it cannot show that.
 */
final class RestartableAzurite implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final BlobServiceClient admin;
    private Process process;

    RestartableAzurite(Path dir) {
        this.dir = dir;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
        this.admin = new BlobServiceClientBuilder().endpoint(accountUrl())
                .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.ACCOUNT_KEY)).buildClient();
    }

    /** {@code 127.0.0.1:PORT}. */
    String host() {
        return "127.0.0.1:" + port;
    }

    String accountUrl() {
        return "http://" + host() + "/" + Azurite.ACCOUNT;
    }

    /** A container's URI through another {@code host:port} (a proxy in front). */
    static URI containerUri(String hostAndPort, String container) {
        return URI.create("http://" + hostAndPort + "/" + Azurite.ACCOUNT + "/" + container);
    }

    void createContainer(String name) {
        admin.getBlobContainerClient(name).createIfNotExists();
    }

    String containerSas(String container, String permissions) {
        return admin.getBlobContainerClient(container).generateSas(new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(1), BlobContainerSasPermission.parse(permissions))
                .setProtocol(SasProtocol.HTTPS_HTTP));
    }

    /** Committed blob names of a container. */
    List<String> blobs(String container) {
        return admin.getBlobContainerClient(container).listBlobs().stream().map(b -> b.getName()).toList();
    }

    BlobServiceClient admin() {
        return admin;
    }

    /** Stops the process (SIGTERM, so it saves its data) and starts it again on the same port. */
    void restart() {
        stop();
        start();
    }

    private void start() {
        Path binary = ExternalTool.require("azurite-blob", Azurite.INSTALL);
        try {
            Files.createDirectories(dir.resolve("data"));
            process = new ProcessBuilder(binary.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                    String.valueOf(port), "--location", dir.resolve("data").toString(), "--skipApiVersionCheck",
                    "--loose", "--disableTelemetry").directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("azurite.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + binary, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited before listening on " + host() + ": see "
                        + dir.resolve("azurite.log"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Azurite did not listen on " + host() + " within 60 s", notYet);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting Azurite", e);
            }
        }
    }

    private void stop() {
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
