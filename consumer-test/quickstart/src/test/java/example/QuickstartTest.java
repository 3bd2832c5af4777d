package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's Java quickstart ({@link Quickstart}) as a service that depends on transfer-azure alone would:
 * the sample layout exported into a file:// container and imported into a second layout, which must then hold the
 * same artifacts with the same digests, every blob matching its name.
 */
class QuickstartTest {

    private static final Pattern REF = Pattern.compile(
            "\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"[^{}]*?\"annotations\"\\s*:\\s*\\{[^}]*?"
                    + "\"org\\.opencontainers\\.image\\.ref\\.name\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    Path work;

    @Test
    void theQuickstartMovesTheSampleLayoutIntoASecondLayout() throws Exception {
        Path source = Path.of(System.getProperty("sample.layout"));
        String output = runQuickstart(source.toString(), work.toString());

        assertTrue(output.contains("export Succeeded, catalog sha256:"), output);
        assertTrue(output.contains("import Succeeded, "), output);
        assertTrue(Files.isRegularFile(work.resolve("container/samples.tar")), "the archive blob in the container");
        Map<String, String> expected = refs(source);
        assertEquals(List.of("samples/hello:1.0", "samples/multi:1.0", "samples/world:1.0"),
                List.copyOf(expected.keySet()));
        Path imported = work.resolve("imported");
        assertEquals(expected, refs(imported), "the imported layout's references and digests");
        try (Stream<Path> blobs = Files.list(imported.resolve("blobs/sha256"))) {
            List<Path> all = blobs.toList();
            assertFalse(all.isEmpty());
            for (Path blob : all) {
                assertEquals(blob.getFileName().toString(), sha256(blob), "digest of " + blob);
            }
        }
    }

    /** Runs {@code Quickstart.main}, printing what it prints as it goes and returning it. */
    private static String runQuickstart(String... args) throws IOException {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
        try {
            Quickstart.main(args);
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** The layout's reference names and the digests they point at. */
    private static Map<String, String> refs(Path layout) throws IOException {
        Map<String, String> refs = new TreeMap<>();
        Matcher m = REF.matcher(Files.readString(layout.resolve("index.json")));
        while (m.find()) {
            refs.put(m.group(2), m.group(1));
        }
        return refs;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
