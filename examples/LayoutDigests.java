// Prints every named artifact of an OCI image layout with its manifest digest, after checking every blob's digest.
// quickstart.sh runs it (Java's single-file source mode, the CLI jar on the class path) to compare two layouts.

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/** {@code java -cp transfer.jar LayoutDigests.java <layout-dir>}: lines of {@code <ref.name> <digest>}. */
public final class LayoutDigests {

    private LayoutDigests() {
    }

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        Path layout = Path.of(args[0]);
        int blobs = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.resolve("blobs/sha256"))) {
            for (Path file : files) {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buffer = new byte[8192];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha256.update(buffer, 0, n);
                    }
                }
                String actual = HexFormat.of().formatHex(sha256.digest());
                if (!actual.equals(file.getFileName().toString())) {
                    System.err.println("Blob " + file + " has digest sha256:" + actual + ", not its name");
                    System.exit(1);
                }
                blobs++;
            }
        }
        System.err.println(layout + ": " + blobs + " blobs, each matching its digest");
        for (OciLayoutRegistry.NamedManifest named : OciLayoutRegistry.open(layout).references()) {
            System.out.println(named.refName() + " " + named.descriptor().digest());
        }
    }
}
