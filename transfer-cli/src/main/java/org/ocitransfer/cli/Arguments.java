// Turns command line values into the API's types, with messages that say what to pass instead.
package org.ocitransfer.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.api.StorageContainer;

/** Parses pipeline options, container URIs and access modes; invalid values are IllegalArgumentExceptions. */
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
}
