// --signing-key-uri and --verify-key end to end on the command line, with keys openssl made.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.testkit.tools.ExternalTool;

class SignedArchiveCliTest {

    @TempDir
    Path dir;

    @Test
    void anExportPipelineWithASigningKeySignsAndAnImportPipelineWithVerifyKeysChecks() throws Exception {
        Cli cli = new Cli(dir.resolve("state"));
        Path source = Samples.copyLayout(dir.resolve("source"));
        String container = Files.createDirectories(dir.resolve("container")).toUri().toString();
        openssl("genpkey", "-algorithm", "ed25519", "-out", "key.pem");
        openssl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.pem");
        openssl("pkey", "-in", "other.pem", "-pubout", "-out", "other.pub.pem");

        Cli.Result created = ok(cli.run("export-pipeline", "create", "-n", "signedexport", "-r", "oci-layout:" + source,
                "-c", container, "--signing-key-uri", "file:" + dir.resolve("key.pem"), "-o", "json"));
        assertThat(created.json().path("ocitransfer").path("signingKeyUri").asText()).isEqualTo("file:" + dir.resolve("key.pem"));
        ok(cli.run("import-pipeline", "create", "-n", "wrongimport", "-r", "oci-layout:" + dir.resolve("wrong"),
                "-c", container, "-e", "false", "--verify-key", dir.resolve("other.pub.pem").toString()));
        Cli.Result verifying = ok(cli.run("import-pipeline", "create", "-n", "rightimport", "-r", "oci-layout:"
                + dir.resolve("right"), "-c", container, "-e", "false", "--verify-key",
                dir.resolve("other.pub.pem").toString(), "--verify-key", "file:" + dir.resolve("pub.pem"), "-o", "json"));
        assertThat(verifying.json().path("ocitransfer").path("verifyKeys")).hasSize(2);

        ok(cli.run("pipeline-run", "create", "-n", "signedrun", "-p", "signedexport", "-t", "export", "-b",
                "signed.tar", "-a", Samples.HELLO));
        Cli.Result refused = cli.run("pipeline-run", "create", "-n", "wrongrun", "-p", "wrongimport", "-t", "import",
                "-b", "signed.tar");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.out() + refused.err()).contains("verifies with none of the 1 verify keys");
        // Nothing written or tagged in the refused import's target.
        assertThat(!Files.exists(dir.resolve("wrong")) || Samples.digests(dir.resolve("wrong")).isEmpty()).isTrue();
        ok(cli.run("pipeline-run", "create", "-n", "rightrun", "-p", "rightimport", "-t", "import", "-b",
                "signed.tar"));
        assertThat(Samples.digests(dir.resolve("right"))).isEqualTo(Samples.digests(source).entrySet().stream()
                .filter(e -> e.getKey().equals(Samples.HELLO))
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
    }

    private void openssl(String... args) throws Exception {
        openssl(dir, args);
    }

    /** Runs openssl in that directory; fails the test when it fails. */
    static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ExternalTool.require("openssl",
                "apt-get install -y openssl").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
