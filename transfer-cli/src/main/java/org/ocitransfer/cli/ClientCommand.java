// The base of every command that works on pipelines and runs: the shared options, the client, output helpers.
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.state.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A leaf command that uses a {@link TransferClient}: it opens the client, runs, and closes it. */
abstract class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Runs the command with an open client. @return the exit code */
    abstract int run(TransferClient client);

    /** Registry credentials from the command line; none by default. */
    CredentialProvider credentials() {
        return CredentialProvider.ANONYMOUS;
    }

    /** The open client, for the JSON form (a run's id names its pipeline's registry). */
    private TransferClient client;

    @Override
    public final Integer call() {
        try (TransferClient open = root().newClient(credentials())) {
            client = open;
            return run(open);
        }
    }

    TransferCommand root() {
        return (TransferCommand) spec.root().userObject();
    }

    PrintStream out() {
        return root().io().out();
    }

    PrintStream err() {
        return root().io().err();
    }

    boolean json() {
        return root().output() == OutputFormat.json;
    }

    /** Prints a pipeline or run (or a list of them) as az prints the service's ({@link AzJson}). */
    void printJson(Object value) {
        out().println(Json.pretty(new AzJson(root().armScope(), client).of(value)));
    }

    /** Prints {@code value} as JSON with {@code --output json}, else as {@code table} writes it. */
    void print(Object value, Consumer<PrintStream> table) {
        if (json()) {
            printJson(value);
        } else {
            table.accept(out());
        }
    }
}
