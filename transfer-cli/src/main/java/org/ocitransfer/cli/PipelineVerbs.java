// `show`, `list` and `delete` of export and import pipelines, written once: they differ only in the pipeline's type.
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.ocitransfer.api.TransferClient;
import picocli.CommandLine.Option;

/**
 * The {@code show}, {@code list} and {@code delete} commands of one kind of pipeline. Each kind's subclasses carry
 * the {@code @Command} help (which names the kind) and pass their {@link Kind}.
 */
final class PipelineVerbs {

    private PipelineVerbs() {
    }

    /**
     * What the commands do with one kind of pipeline.
     *
     * @param noun       the kind as the delete message names it: {@code export} or {@code import}
     * @param get        reads the pipeline of a name
     * @param list       lists the pipelines
     * @param delete     deletes the pipeline of a name
     * @param table      prints pipelines as a table
     * @param parameters the pipeline's ARM deployment parameter file (notes go to the stream)
     * @param <P>        the pipeline's type
     */
    record Kind<P>(String noun, BiFunction<TransferClient, String, P> get, Function<TransferClient, List<P>> list,
                   BiConsumer<TransferClient, String> delete, BiConsumer<PrintStream, List<P>> table,
                   BiFunction<P, PrintStream, String> parameters) {
    }

    /** A command on the pipelines of one kind. */
    abstract static class OnKind<P> extends ClientCommand {
        final Kind<P> kind;

        OnKind(Kind<P> kind) {
            this.kind = kind;
        }
    }

    /** A command on the pipeline {@code --name} names. */
    abstract static class OnPipeline<P> extends OnKind<P> {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", description = "The pipeline's name.")
        String name;

        OnPipeline(Kind<P> kind) {
            super(kind);
        }
    }

    /** {@code show}: the pipeline, or with {@code --as-parameters} its parameter file. */
    abstract static class Show<P> extends OnPipeline<P> {
        Show(Kind<P> kind) {
            super(kind);
        }

        /** Whether {@code --as-parameters} was given (its help names the kind's template, so each kind has it). */
        abstract boolean asParameters();

        @Override
        int run(TransferClient client) {
            P pipeline = kind.get().apply(client, name);
            if (asParameters()) {
                out().println(kind.parameters().apply(pipeline, err()));
                return ExitCodes.OK;
            }
            print(pipeline, out -> kind.table().accept(out, List.of(pipeline)));
            return ExitCodes.OK;
        }
    }

    /** {@code list}: every pipeline of the kind. */
    abstract static class ListCommand<P> extends OnKind<P> {
        ListCommand(Kind<P> kind) {
            super(kind);
        }

        @Override
        int run(TransferClient client) {
            List<P> pipelines = kind.list().apply(client);
            print(pipelines, out -> kind.table().accept(out, pipelines));
            return ExitCodes.OK;
        }
    }

    /** {@code delete}: the pipeline goes; with {@code --output json} it is printed as it was. */
    abstract static class Delete<P> extends OnPipeline<P> {
        Delete(Kind<P> kind) {
            super(kind);
        }

        @Override
        int run(TransferClient client) {
            P pipeline = kind.get().apply(client, name);
            kind.delete().accept(client, name);
            print(pipeline, out -> out.println("Deleted " + kind.noun() + " pipeline " + name + "."));
            return ExitCodes.OK;
        }
    }
}
