// Turns command line values into the API's types, with messages that say what to pass instead.
package org.ocitransfer.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.api.StorageContainer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses pipeline options, container URIs and access modes; invalid values are IllegalArgumentExceptions. The nested
 * converters check option values while picocli parses them, so a malformed value is a usage error (exit 2) before
 * anything runs: picocli prints "Invalid value for option '--x': " and the converter's message.
 */
final class Arguments {

    static final String CONTAINER_FORMS = "file:///path/dir, https://<account>.blob.core.windows.net/<container>"
            + " or http://127.0.0.1:PORT/devstoreaccount1/<container>";

    private Arguments() {
    }

    /** The options named (case-insensitive); an unknown one is refused naming those the kind takes. */
    static Set<PipelineOption> options(List<String> names, PipelineKind kind) {
        Set<PipelineOption> options = EnumSet.noneOf(PipelineOption.class);
        if (names != null) {
            for (String name : names) {
                if (!name.isBlank()) {
                    options.add(PipelineOption.parse(name, kind));
                }
            }
        }
        return options;
    }

    /** A container from its URI, secret URI and access mode (SasToken when not given). */
    static StorageContainer container(String uri, String secretUri, String accessMode) {
        StorageAccessMode mode = accessMode == null ? StorageAccessMode.SasToken : StorageAccessMode.parse(accessMode);
        return new StorageContainer(uri(uri, "storage container URI", CONTAINER_FORMS), secretUri, mode);
    }

    /**
     * An absolute URI.
     *
     * @param what  what it is, for the message
     * @param forms the accepted forms, for the message
     */
    static URI uri(String value, String what, String forms) {
        // Never echo a query string: it could be a SAS token.
        String shown = value.contains("?") ? value.substring(0, value.indexOf('?')) + "?<query removed>" : value;
        try {
            URI uri = new URI(value);
            if (!uri.isAbsolute()) {
                throw new IllegalArgumentException("The " + what + " '" + shown + "' has no scheme: use " + forms);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("The " + what + " '" + shown + "' is not a valid URI (" + e.getReason()
                    + "): use " + forms, e);
        }
    }

    /** Checks a value and keeps it as given; an {@link IllegalArgumentException} becomes picocli's usage error. */
    abstract static class Check implements ITypeConverter<String> {

        /** @throws IllegalArgumentException saying what is wrong with the value and what to give instead */
        abstract void check(String value);

        @Override
        public final String convert(String value) {
            try {
                check(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return value;
        }
    }

    /** A digest: {@code sha256:} and 64 lowercase hex digits. */
    static final class Digest extends Check {
        private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

        @Override
        void check(String value) {
            if (!SHA256.matcher(value).matches()) {
                throw new IllegalArgumentException("'" + value + "' is not a digest: give sha256: followed by 64"
                        + " lowercase hex digits (the export run's catalogDigest)");
            }
        }
    }

    /** An artifact reference ({@link ArtifactRef#parse}). */
    static final class Artifact extends Check {
        @Override
        void check(String value) {
            ArtifactRef.parse(value);
        }
    }

    /** The name of a pipeline or run to create ({@link ResourceNames#validate}). */
    static final class Name extends Check {
        @Override
        void check(String value) {
            ResourceNames.validate(value, "resource");
        }
    }

    /** {@code export} or {@code import}, any case. */
    static final class PipelineType implements ITypeConverter<PipelineKind> {
        @Override
        public PipelineKind convert(String value) {
            for (PipelineKind kind : PipelineKind.values()) {
                if (kind.label().equalsIgnoreCase(value)) {
                    return kind;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a pipeline type: use export or import");
        }
    }

    /** A storage access mode ({@link StorageAccessMode#parse}). */
    static final class AccessMode extends Check {
        @Override
        void check(String value) {
            StorageAccessMode.parse(value);
        }
    }

    /** A storage container URI: absolute. */
    static final class ContainerUri extends Check {
        @Override
        void check(String value) {
            uri(value, "storage container URI", CONTAINER_FORMS);
        }
    }

    /** An export pipeline's option; a blank one (from {@code -z ""}) stands for none. */
    static final class ExportOption extends Check {
        @Override
        void check(String value) {
            if (!value.isBlank()) {
                PipelineOption.parse(value, PipelineKind.EXPORT);
            }
        }
    }

    /**
     * Whether an import option is {@code DisableSourceTrigger}: the service's newer API versions take it as an
     * import pipeline option that turns the pipeline's source trigger off; here it sets the trigger Disabled.
     */
    static boolean isDisableSourceTrigger(String option) {
        return option.strip().equalsIgnoreCase("DisableSourceTrigger");
    }

    /** An import pipeline's option (or DisableSourceTrigger); a blank one stands for none. */
    static final class ImportOption extends Check {
        @Override
        void check(String value) {
            if (!value.isBlank() && !isDisableSourceTrigger(value)) {
                PipelineOption.parse(value, PipelineKind.IMPORT);
            }
        }
    }

    /** A whole number, at least 1. */
    static final class AtLeastOne implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int number;
            try {
                number = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (number < 1) {
                throw new TypeConversionException("it must be at least 1, got " + number);
            }
            return number;
        }
    }

    /** A size in bytes: a whole number, optionally followed by KiB, MiB, GiB or TiB (powers of 1024); at least 1. */
    static final class Size implements ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([KMGT]iB|B)?",
                Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            java.util.regex.Matcher m = SIZE.matcher(value.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a size: give bytes, or a number followed by"
                        + " KiB, MiB, GiB or TiB (e.g. 512MiB)");
            }
            int shift = m.group(2) == null ? 0 : 10 * "BKMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0)));
            try {
                long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
                if (bytes < 1) {
                    throw new TypeConversionException("a size must be at least 1 byte, got '" + value + "'");
                }
                return bytes;
            } catch (ArithmeticException | NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is too large a size");
            }
        }
    }
}
