// The table forms of `transfer archive inspect` and `transfer archive verify`.
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.api.archive.ArchiveProblem;
import org.ocitransfer.api.archive.ArchiveVerification;
import org.ocitransfer.api.archive.SignatureStatus;

/** Prints inspections and verifications for people. */
final class ArchiveViews {

    private ArchiveViews() {
    }

    /** The archive's fields, its artifacts as a table, then the notes. */
    static void inspection(PrintStream out, ArchiveInspection i) {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"Archive", i.archive()});
        fields.add(new String[] {"Size", size(i.size())});
        fields.add(new String[] {"Catalog digest", i.catalogDigest() == null ? "none (no catalog.json)"
                : i.catalogDigest()});
        fields.add(new String[] {"Pipeline", i.pipeline()});
        fields.add(new String[] {"Run", i.run()});
        fields.add(new String[] {"Source registry", i.sourceRegistry()});
        fields.add(new String[] {"Artifacts", String.valueOf(i.artifacts().size())});
        fields.add(new String[] {"Blobs", i.blobCount() + ", " + size(i.uniqueBytes()) + " together"});
        fields.add(new String[] {"Bases", i.bases().isEmpty() ? "none (a whole archive)" : String.join(", ",
                i.bases().stream().map(b -> b.blob() + " (" + b.catalogDigest() + ")").toList())});
        fields.add(new String[] {"Parts", i.parts().isEmpty() ? "none (one blob or file)" : String.join(", ",
                i.parts().stream().map(p -> p.blob() + " (" + size(p.size()) + ")").toList())});
        fields.add(new String[] {"Signature", signature(i.signature())});
        Table.fields(out, fields);
        out.println();
        Table artifacts = new Table("NAME", "TAG", "DIGEST", "MEDIA TYPE", "BLOBS", "SIZE");
        i.artifacts().forEach(a -> artifacts.row(a.name(), a.tag(), a.digest(), a.mediaType(), a.blobs(),
                Formats.bytes(a.size())));
        artifacts.print(out);
        notes(out, i.notes());
    }

    /** The outcome, the problems as a table with their messages, then the notes. */
    static void verification(PrintStream out, ArchiveVerification v) {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"Archive", v.archive()});
        fields.add(new String[] {"Result", v.whole() ? "whole" : "NOT WHOLE: " + v.problems().size() + " problem"
                + (v.problems().size() == 1 ? "" : "s")});
        fields.add(new String[] {"Size", size(v.size())});
        fields.add(new String[] {"Verified", v.entriesVerified() + " entries, " + size(v.bytesVerified())});
        fields.add(new String[] {"Catalog digest", v.catalogDigest()});
        fields.add(new String[] {"Signature", signature(v.signature())});
        fields.add(new String[] {"Bases", v.bases().isEmpty() ? "none" : String.join(", ", v.bases().stream()
                .map(b -> b.blob() + " " + b.status()).toList())});
        Table.fields(out, fields);
        if (!v.problems().isEmpty()) {
            out.println();
            Table problems = new Table("KIND", "ENTRY", "OFFSET", "EXPECTED", "ACTUAL");
            for (ArchiveProblem p : v.problems()) {
                problems.row(p.kind(), p.entry(), p.offset() < 0 ? null : p.offset(), p.expected(), p.actual());
            }
            problems.print(out);
            out.println();
            v.problems().forEach(p -> out.println("- " + p.message()));
        }
        notes(out, v.notes());
    }

    private static void notes(PrintStream out, List<String> notes) {
        if (!notes.isEmpty()) {
            out.println();
            out.println("Notes:");
            notes.forEach(n -> out.println("- " + n));
        }
    }

    private static String size(long bytes) {
        return Formats.bytes(bytes) + " (" + bytes + " bytes)";
    }

    private static String signature(SignatureStatus status) {
        return switch (status) {
            case UNSIGNED -> "unsigned";
            case SIGNED_NOT_VERIFIED -> "signed (not verified)";
            case VERIFIED -> "signed, verified";
            case INVALID -> "signed, INVALID";
        };
    }
}
