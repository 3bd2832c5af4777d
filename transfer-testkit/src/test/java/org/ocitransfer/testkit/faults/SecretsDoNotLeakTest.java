// No password or token in anything a full transfer prints, logs, throws or records.
package org.ocitransfer.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.random.Seeds;
import org.ocitransfer.testkit.registry.AuthMode;
import org.ocitransfer.testkit.registry.RegistryExtension;
import org.ocitransfer.testkit.registry.TokenServer;
import org.ocitransfer.testkit.tools.JavaProcess;

/**
 * Runs {@link SecretsTransferMain} in its own JVM with every logger at TRACE, capturing all it writes to stdout and
 * stderr (slf4j-simple logs to stderr), then searches that output, every file the client left (run and pipeline
 * records in its state directory, containers, blob metadata, the archives) for every secret: both registries'
 * passwords, a wrong password tried, the basic-auth header values they make, and every access and refresh token the
 * token server issued (recorded by this test's token endpoint). None may appear.
 */
@Timeout(180) // a hang guard, not a performance assertion
class SecretsDoNotLeakTest {

    static final List<String> ISSUED = java.util.Collections.synchronizedList(new ArrayList<>());

    @RegisterExtension
    static RegistryExtension source = RegistryExtension.with(b -> b.auth(AuthMode.TOKEN)
            .tokenServer(t -> t.endpoint("/token", SecretsDoNotLeakTest::recordingTokenEndpoint)));
    @RegisterExtension
    static RegistryExtension target = RegistryExtension.basic();

    @TempDir
    Path dir;

    @Test
    void noSecretAppearsInOutputLogsExceptionsOrRecords() throws IOException, InterruptedException {
        try (HttpRegistry registry = TransferRig.factory(host -> java.util.Optional.of(
                org.ocitransfer.core.registry.auth.RegistryCredential.basic(source.registry().username(),
                        source.registry().password()))).open(source.registry().url())) {
            ContentGenerator gen = new ContentGenerator(Seeds.seed(5));
            gen.image(20_000, 30_000).pushTo(registry.repository("fault/app"), "v1");
            gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 10_000)
                    .pushTo(registry.repository("fault/multi"), "latest");
        }
        String wrong = "wrong-" + Long.toHexString(System.nanoTime()) + "-password";
        Path work = dir.resolve("work");
        ProcessBuilder pb = JavaProcess.builder(SecretsTransferMain.class,
                List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace"), work.toString(),
                source.registry().url(), source.registry().username(), target.registry().url(),
                target.registry().username());
        pb.environment().put("SOURCE_PASSWORD", source.registry().password());
        pb.environment().put("TARGET_PASSWORD", target.registry().password());
        pb.environment().put("WRONG_PASSWORD", wrong);
        JavaProcess.Ended child = JavaProcess.run(pb, Duration.ofSeconds(120));
        String output = child.output();

        // The transfer really happened, with failures, at TRACE level.
        assertThat(child.exitValue()).as("child output:%n%s", output).isZero();
        assertThat(output).contains("DONE").contains("RUN secretexport Succeeded").contains("RUN secretimport Succeeded")
                .contains("RUN secretmissing Failed")
                .contains("nosuchtag").contains("RUN wrongsource Failed")
                .contains("RUN wrongtarget Failed").contains("Refused as expected").contains("DEBUG");
        assertThat(ISSUED).as("the token server issued tokens to the child").isNotEmpty();

        SecretSearch search = new SecretSearch();
        String sourceUser = source.registry().username();
        String targetUser = target.registry().username();
        String[][] logins = {{sourceUser, source.registry().password()}, {targetUser, target.registry().password()},
            {sourceUser, wrong}, {targetUser, wrong}};
        for (int i = 0; i < logins.length; i++) {
            search.login("#" + i + " of " + logins[i][0], logins[i][0], logins[i][1]);
        }
        synchronized (ISSUED) {
            for (int i = 0; i < ISSUED.size(); i++) {
                String token = ISSUED.get(i);
                search.secret("issued token " + i, token);
                if (token.chars().filter(c -> c == '.').count() == 2) {
                    search.secret("signature of issued token " + i, token.substring(token.lastIndexOf('.') + 1));
                }
            }
        }

        search.text("the child's output", output).files(work);
        assertThat(search.leaks()).as("secrets found").isEmpty();
        assertThat(output.length()).as("the search covered a real amount of output").isGreaterThan(10_000);
    }

    /** The token endpoint (basic credentials or a refresh token), recording every token it issues. */
    static TokenServer.Response recordingTokenEndpoint(TokenServer.Request request, TokenServer server) {
        String subject;
        if ("GET".equals(request.method())) {
            TokenServer.Credentials credentials = request.basicCredentials().orElse(null);
            if (credentials == null || !server.authenticate(credentials.username(), credentials.password())) {
                return TokenServer.Response.error(401, "unauthorized", "wrong user name or password");
            }
            subject = credentials.username();
        } else if ("refresh_token".equals(request.parameter("grant_type"))) {
            subject = server.refreshTokenSubject(request.parameter("refresh_token")).orElse(null);
            if (subject == null) {
                return TokenServer.Response.error(401, "unauthorized", "unknown refresh token");
            }
        } else {
            return TokenServer.Response.error(400, "unsupported_grant_type", "use GET or a refresh token");
        }
        TokenServer.IssuedToken token = server.issueAccessToken(subject, server.grant(subject, request.scopes()));
        String refresh = server.issueRefreshToken(subject);
        ISSUED.add(token.token());
        ISSUED.add(refresh);
        return server.tokenResponse(token, refresh);
    }
}
