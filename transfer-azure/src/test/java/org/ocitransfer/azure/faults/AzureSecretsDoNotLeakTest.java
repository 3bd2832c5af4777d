// No SAS signature, password or auth header in anything a full Azure-mode transfer prints, logs, throws or records.
package org.ocitransfer.azure.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.auth.RegistryCredential;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.faults.SecretSearch;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.tools.JavaProcess;

/**
 * Runs {@link AzureSecretsTransferMain} in its own JVM with every logger at TRACE (the root logger, so every
 * library's: the Azure SDK's, its HTTP transport's, Netty's, ours) and the Azure SDK's HTTP logging at its most
 * detailed ({@code AZURE_HTTP_LOG_DETAIL_LEVEL=BODY_AND_HEADERS}, as a user debugging might set it),
 * capturing all it writes to stdout and stderr; then searches that, and every file it left (run and pipeline
 * records), for the three SAS tokens and their signatures (raw and URL-decoded), any unredacted {@code sig=}, both
 * registries' passwords, a wrong password tried, and the basic-auth headers they make. None may appear.
 */
@Timeout(180) // a hang guard, not a performance assertion
class AzureSecretsDoNotLeakTest {

    private static final Pattern SIG = Pattern.compile("sig=([^&]+)");
    private static final Pattern UNREDACTED_SIG = Pattern.compile("(?i)sig(=|%3D)(?!REDACTED)[^&\\s\"'<>]");

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();
    @RegisterExtension
    static RegistryExtension source = RegistryExtension.basic();
    @RegisterExtension
    static RegistryExtension target = RegistryExtension.basic();

    @TempDir
    Path dir;

    @Test
    void noSasPasswordOrHeaderAppearsInOutputLogsExceptionsOrRecords() throws IOException, InterruptedException {
        try (HttpRegistry registry = HttpRegistry.builder().uri(source.registry().url())
                .credentials(host -> java.util.Optional.of(RegistryCredential.basic(source.registry().username(),
                        source.registry().password()))).build()) {
            new ContentGenerator(Seeds.seed(8)).image(30_000, 40_000).pushTo(registry.repository("secret/app"), "v1");
        }
        Azurite azurite = AZURITE.azurite();
        azurite.createContainer("secrets");
        OffsetDateTime later = OffsetDateTime.now().plusHours(1);
        Map<String, String> sas = new LinkedHashMap<>();
        sas.put("SAS_GOOD", azurite.containerSas("secrets", "racwdl", later));
        sas.put("SAS_EXPIRED", azurite.containerSas("secrets", "racwdl", OffsetDateTime.now().minusMinutes(5)));
        sas.put("SAS_READONLY", azurite.containerSas("secrets", "rl", later));
        azurite.createContainer("secrets-copy");
        sas.put("SAS_COPY", azurite.containerSas("secrets-copy", "racwdl", later));
        String wrong = "wrong-" + Long.toHexString(System.nanoTime()) + "-password";

        Path work = dir.resolve("work");
        // The root logger at TRACE and no logger excepted: reactor-netty (the Azure SDK's default transport) logged
        // every request URI, SAS included, at DEBUG ("Handler is being applied: {uri=...}").
        ProcessBuilder pb = JavaProcess.builder(AzureSecretsTransferMain.class,
                List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"),
                work.toString(), source.registry().url(), source.registry().username(), target.registry().url(),
                target.registry().username(), azurite.containerUri("secrets").toString(),
                azurite.containerUri("secrets-copy").toString());
        pb.environment().putAll(sas);
        pb.environment().put("SOURCE_PASSWORD", source.registry().password());
        pb.environment().put("TARGET_PASSWORD", target.registry().password());
        pb.environment().put("WRONG_PASSWORD", wrong);
        pb.environment().put("AZURE_HTTP_LOG_DETAIL_LEVEL", "BODY_AND_HEADERS");
        JavaProcess.Ended child = JavaProcess.run(pb, Duration.ofSeconds(150));
        String output = child.output();

        // The transfer and the failures really happened: the search below is not vacuous.
        assertThat(child.exitValue()).as("child output:%n%s", output).isZero();
        assertThat(output).contains("DONE").contains("RUN export Succeeded").contains("RUN import Succeeded")
                .contains("COPIED bundle.tar").contains("RUN exportwrong Failed").contains("RUN importwrong Failed").contains("expired")
                .contains("Refused as expected").contains("x-ms-version").contains("DEBUG");

        SecretSearch search = new SecretSearch();
        sas.forEach((name, token) -> {
            search.secret(name, token);
            Matcher m = SIG.matcher(token);
            assertThat(m.find()).isTrue();
            search.secret("signature of " + name, m.group(1));
            search.secret("decoded signature of " + name, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
        });
        String[][] logins = {{source.registry().username(), source.registry().password()},
            {target.registry().username(), target.registry().password()}, {source.registry().username(), wrong}};
        for (int i = 0; i < logins.length; i++) {
            search.login("#" + i, logins[i][0], logins[i][1]);
        }

        search.text("the child's output", output).files(work);
        assertThat(search.leaks()).as("secrets found").isEmpty();
        Matcher unredacted = UNREDACTED_SIG.matcher(output);
        assertThat(unredacted.find()).as("an unredacted sig= in the output").isFalse();
    }
}
