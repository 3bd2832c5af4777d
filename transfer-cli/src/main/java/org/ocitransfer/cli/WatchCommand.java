// `transfer watch`: runs an import pipeline's source trigger until stopped.
package org.ocitransfer.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.state.Json;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Polls an import pipeline's container and imports every archive blob that lands there, once, until SIGTERM or
 * SIGINT: then it stops the imports going on (their blobs are imported again by the next watcher), releases its
 * claims and exits. Several watchers (on several machines, with {@code --state-uri}) share the work.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Run an import pipeline's source trigger: import each archive blob that lands in its container,"
                + " once, until stopped (Ctrl-C or SIGTERM).",
                "Each finished run is printed on stdout (one JSON line each with --output json)."})
final class WatchCommand extends ClientCommand {

    @Option(names = {"--pipeline", "-p"}, required = true, paramLabel = "PIPELINE",
            description = "The import pipeline whose container is watched.")
    String pipeline;

    @Option(names = "--poll-interval", paramLabel = "SECONDS", defaultValue = "60",
            converter = Arguments.AtLeastOne.class,
            description = "Seconds between polls, at least 1 (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Option(names = "--max-concurrent-imports", paramLabel = "K", defaultValue = "2",
            converter = Arguments.AtLeastOne.class,
            description = "Imports at once (default: ${DEFAULT-VALUE}).")
    int maxImports;

    @Option(names = "--max-blob-age", paramLabel = "DAYS", defaultValue = "60",
            converter = Arguments.AtLeastOne.class,
            description = "Only blobs last modified within this many days (default: ${DEFAULT-VALUE}).")
    int maxAgeDays;

    @Mixin
    RegistryLogin login;

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Read once (stdin is read once): the command's client and the watcher's share it. */
    private CredentialProvider credentials;

    @Override
    CredentialProvider credentials() {
        if (credentials == null) {
            credentials = login.credentials(root().io().in());
        }
        return credentials;
    }

    @Override
    int run(TransferClient client) {
        ImportPipeline watched = client.getImportPipeline(pipeline);
        login.bind(watched.registry());
        Duration interval = Duration.ofSeconds(pollSeconds);
        SourceTriggerWatcher watcher = root().clientBuilder(credentials()).sourceTriggerWatcher(pipeline)
                .pollInterval(interval).maxConcurrentImports(maxImports).maxBlobAge(Duration.ofDays(maxAgeDays))
                .build();
        Thread stop = new Thread(() -> {
            stopped.countDown();
            watcher.close();
            client.close();
            err().println("Stopped watching import pipeline " + pipeline + ": imports going on were stopped (their"
                    + " blobs are imported again by the next watcher) and every claim was released.");
        }, "transfer-watch-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        err().println("Watching import pipeline " + pipeline + " (" + watched.source().uri() + " -> "
                + watched.registry() + "): polling every " + pollSeconds + " s. Stop with Ctrl-C or SIGTERM.");
        if (watched.sourceTrigger() == TriggerStatus.Disabled) {
            err().println("Its source trigger is Disabled: nothing is imported until it is enabled"
                    + " (import-pipeline create ... --source-trigger-enabled true).");
        }
        Set<String> going = new LinkedHashSet<>();
        do {
            try {
                for (String run : watcher.pollOnce()) {
                    going.add(run);
                    err().println(Formats.time(Instant.now()) + " started run " + run);
                }
            } catch (TransferException | IllegalArgumentException e) {
                err().println(Formats.time(Instant.now()) + " this poll failed, the next one tries again in "
                        + pollSeconds + " s: " + e.getMessage());
            }
            reportFinished(watcher.client(), going);
        } while (!awaitStop(interval));
        return ExitCodes.OK;
    }

    /** Prints the runs that have ended, and forgets them. */
    private void reportFinished(TransferClient client, Set<String> going) {
        for (Iterator<String> it = going.iterator(); it.hasNext(); ) {
            PipelineRun run = client.getPipelineRun(it.next());
            if (!run.status().isTerminal()) {
                continue;
            }
            it.remove();
            if (json()) {
                out().println(new String(Json.write(run), java.nio.charset.StandardCharsets.UTF_8));
            } else {
                String error = run.response() == null ? null : run.response().pipelineRunErrorMessage();
                out().println(Formats.time(Instant.now()) + " run " + run.name() + " (blob "
                        + run.request().source().name() + "): " + run.status()
                        + (run.response() == null ? "" : ", " + run.response().importedArtifacts().size()
                        + " artifacts imported") + (error == null ? "" : ": " + error));
            }
        }
    }

    /** Waits one interval; true when the process is stopping. */
    private boolean awaitStop(Duration interval) {
        try {
            return stopped.await(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
