package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README's Java samples are exactly the code this project compiles: every {@code ```java} block of the README
 * follows a {@code <!-- sample: NAME -->} line, and its text equals the region between {@code // sample: NAME} and
 * {@code // end sample: NAME} in these sources (common indentation removed). Edit the source, then copy the region.
 */
class ReadmeSamplesTest {

    @Test
    void everyJavaBlockOfTheReadmeIsASampleRegionOfTheseSources() throws IOException {
        Map<String, String> readme = readmeSamples(Path.of(System.getProperty("readme")));
        Map<String, String> sources = sourceRegions(Path.of(System.getProperty("samples.dir")));

        assertEquals(sources.keySet(), readme.keySet(), "sample names in the README and in " + sources.keySet());
        for (Map.Entry<String, String> sample : sources.entrySet()) {
            List<String> expected = sample.getValue().lines().toList();
            List<String> actual = readme.get(sample.getKey()).lines().toList();
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                String source = i < expected.size() ? expected.get(i) : "(end)";
                String shown = i < actual.size() ? actual.get(i) : "(end)";
                assertEquals(source, shown, "README sample '" + sample.getKey() + "', line " + (i + 1)
                        + " of the block, differs from its source region: copy the region into the README");
            }
        }
    }

    /** The README's Java blocks by sample name; a Java block without a sample line fails. */
    private static Map<String, String> readmeSamples(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        Map<String, String> samples = new LinkedHashMap<>();
        String name = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("<!-- sample: ")) {
                name = line.substring("<!-- sample: ".length()).split("\\s+", 2)[0];
            } else if (line.startsWith("```java")) {
                if (name == null) {
                    fail("README line " + (i + 1) + ": a Java block without a '<!-- sample: NAME -->' line before it;"
                            + " put the code in consumer-test/quickstart/src/test/java/example as a sample region");
                }
                List<String> block = new ArrayList<>();
                for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                    block.add(lines.get(i));
                }
                assertTrue(samples.put(name, String.join("\n", block)) == null, "sample '" + name + "' twice");
                name = null;
            } else if (!line.isEmpty()) {
                name = null;
            }
        }
        return samples;
    }

    /** The sample regions of the Java sources in {@code dir}, by name, their common indentation removed. */
    private static Map<String, String> sourceRegions(Path dir) throws IOException {
        Map<String, String> regions = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("// sample: ")) {
                    String name = line.substring("// sample: ".length());
                    List<String> region = new ArrayList<>();
                    for (i++; !lines.get(i).strip().equals("// end sample: " + name); i++) {
                        region.add(lines.get(i));
                        if (i + 1 == lines.size()) {
                            fail(file + ": no '// end sample: " + name + "' line");
                        }
                    }
                    assertTrue(regions.put(name, dedent(region)) == null, "sample '" + name + "' twice");
                }
            }
        }
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
    }
}
