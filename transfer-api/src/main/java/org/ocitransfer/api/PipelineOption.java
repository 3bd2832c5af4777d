package org.ocitransfer.api;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The options a pipeline takes. Each applies to one kind of pipeline, or to both. */
public enum PipelineOption {
    /** Export: overwrite an existing target blob; without it an existing blob makes the run fail, untouched. */
    OverwriteBlobs(EnumSet.of(PipelineKind.EXPORT)),
    /** Export: also carry the referrers (signatures, SBOMs, attestations) of each exported manifest. */
    IncludeReferrers(EnumSet.of(PipelineKind.EXPORT)),
    /** Both: keep going with the remaining artifacts when one fails, and report which failed. */
    ContinueOnErrors(EnumSet.of(PipelineKind.EXPORT, PipelineKind.IMPORT)),
    /** Import: move existing tags in the target registry; without it an existing tag is left alone and reported. */
    OverwriteTags(EnumSet.of(PipelineKind.IMPORT)),
    /** Import: delete the archive blob from the source container after a wholly successful import. */
    DeleteSourceBlobOnSuccess(EnumSet.of(PipelineKind.IMPORT));

    private final Set<PipelineKind> kinds;

    PipelineOption(Set<PipelineKind> kinds) {
        this.kinds = kinds;
    }

    /** Whether this option applies to pipelines of the given kind. */
    public boolean appliesTo(PipelineKind kind) {
        return kinds.contains(kind);
    }

    /** The options a pipeline of this kind takes, in declaration order. */
    public static Set<PipelineOption> allowedFor(PipelineKind kind) {
        return Arrays.stream(values()).filter(o -> o.appliesTo(kind))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PipelineOption.class)));
    }

    /**
     * Parses an option name (case-insensitive) for a pipeline of the given kind.
     *
     * @throws IllegalArgumentException naming the option and the ones this kind takes
     */
    public static PipelineOption parse(String name, PipelineKind kind) {
        for (PipelineOption option : values()) {
            if (option.name().equalsIgnoreCase(name.trim())) {
                check(option, kind);
                return option;
            }
        }
        throw new IllegalArgumentException("Unknown pipeline option '" + name + "': " + kind.label()
                + " pipelines take " + names(kind));
    }

    /** Checks every option applies to the kind. @throws IllegalArgumentException naming the first that does not */
    public static Set<PipelineOption> validate(Set<PipelineOption> options, PipelineKind kind) {
        EnumSet<PipelineOption> copy = EnumSet.noneOf(PipelineOption.class);
        if (options != null) {
            for (PipelineOption option : options) {
                check(option, kind);
                copy.add(option);
            }
        }
        return java.util.Collections.unmodifiableSet(copy);
    }

    private static void check(PipelineOption option, PipelineKind kind) {
        if (!option.appliesTo(kind)) {
            throw new IllegalArgumentException("Option " + option + " does not apply to " + kind.label()
                    + " pipelines: they take " + names(kind));
        }
    }

    private static String names(PipelineKind kind) {
        return allowedFor(kind).stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    /** Lowercase form, for messages. */
    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
