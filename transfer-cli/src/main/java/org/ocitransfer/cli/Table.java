// Plain text output: aligned columns for lists, one "Field: value" line per field for single resources.
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A text table with a header row; columns padded to their widest cell, the last one left unpadded. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    /** Adds a row; null cells print as {@code -}. */
    Table row(Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = Formats.orDash(cells[i]).replace('\n', ' ');
        }
        rows.add(row);
        return this;
    }

    /** Prints the header, a rule, and the rows. */
    void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        print(out, rows.get(0), widths);
        String[] rule = new String[columns];
        for (int i = 0; i < columns; i++) {
            // The last column may hold long messages: its rule stops at 40 characters.
            rule[i] = "-".repeat(i == columns - 1 ? Math.min(widths[i], Math.max(40, rows.get(0)[i].length())) : widths[i]);
        }
        print(out, rule, widths);
        for (String[] row : rows.subList(1, rows.size())) {
            print(out, row, widths);
        }
    }

    private static void print(PrintStream out, String[] row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
            line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
        }
        out.println(line.toString().stripTrailing());
    }

    /** Prints {@code Field: value} lines, values aligned. */
    static void fields(PrintStream out, List<String[]> fields) {
        int width = fields.stream().mapToInt(f -> f[0].length()).max().orElse(0) + 1;
        for (String[] field : fields) {
            out.println(String.format("%-" + width + "s %s", field[0] + ":", Formats.orDash(field[1])).stripTrailing());
        }
    }

    /**
     * Prints rows as az's table output does (knack over tabulate's "simple" format): the columns are the rows' keys
     * in order of first appearance, each at least two wider than its header, cells left-aligned and two spaces apart,
     * a rule of dashes under the header, an empty cell for a missing or null value; nothing for no rows.
     */
    static void az(PrintStream out, List<? extends Map<String, String>> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(row -> columns.addAll(row.keySet()));
        List<String> headers = List.copyOf(columns);
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length() + 2;
            for (Map<String, String> row : rows) {
                widths[i] = Math.max(widths[i], cell(row, headers.get(i)).length());
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        String[] rule = new String[widths.length];
        for (int i = 0; i < widths.length; i++) {
            rule[i] = "-".repeat(widths[i]);
        }
        azLine(out, headers.toArray(String[]::new), widths);
        azLine(out, rule, widths);
        for (Map<String, String> row : rows) {
            azLine(out, headers.stream().map(h -> cell(row, h)).toArray(String[]::new), widths);
        }
    }

    private static String cell(Map<String, String> row, String column) {
        String value = row.get(column);
        return value == null ? "" : value.replace('\n', ' ');
    }

    private static void azLine(PrintStream out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", cells[i]));
        }
        out.println(line.toString().stripTrailing());
    }
}
