package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's journey on data nobody prepared: {@code new --data} writes a config, it trains, and {@code predict} on the raw
 * files of the run's test split gives exactly the run's own evaluation (accuracy and confusion matrix); a killed run on
 * a user dataset resumes bitwise.
 */
class YourDataJourneyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TempFeatureCache CACHE = new TempFeatureCache();

    @TempDir
    Path dir;

    /** Three classes of 12x10 RGB images: a bright bar in a class-specific place and colour, over noise. */
    static Path images(Path root) throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        for (int c = 0; c < 3; c++) {
            Path folder = Files.createDirectories(root.resolve(new String[]{"circle", "square", "triangle"}[c]));
            for (int i = 0; i < 40; i++) {
                BufferedImage img = new BufferedImage(10, 12, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 12; y++) {
                    for (int x = 0; x < 10; x++) {
                        int noise = r.nextInt(60);
                        boolean bar = y >= 4 * c && y < 4 * c + 4;
                        int v = bar ? 200 + noise / 2 : noise;
                        img.setRGB(x, y, c == 0 ? (v << 16) | (noise << 8) : c == 1 ? (noise << 16) | (v << 8) : (v << 16) | (v << 8) | noise);
                    }
                }
                ImageIO.write(img, i % 2 == 0 ? "png" : "bmp", folder.resolve(String.format("img-%03d.%s", i, i % 2 == 0 ? "png" : "bmp")).toFile());
            }
        }
        return root;
    }

    /** A table of 150 rows: two numeric columns (some cells NA), a text column, a label from a noisy rule of them. */
    static Path table(Path file) throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        List<String> lines = new ArrayList<>(List.of("id,length,weight,colour,kind"));
        String[] colours = {"red", "green", "blue"};
        for (int i = 0; i < 150; i++) {
            int kind = i % 3;
            double length = 10 * kind + r.nextDouble() * 6;
            double weight = 3 - kind + r.nextDouble();
            String colour = colours[(kind + (r.nextInt(4) == 0 ? 1 : 0)) % 3];
            lines.add(i + "," + (i % 17 == 0 ? "NA" : String.format(java.util.Locale.ROOT, "%.3f", length)) + ","
                    + String.format(java.util.Locale.ROOT, "%.3f", weight) + "," + colour + "," + new String[]{"ant", "bee", "cat"}[kind]);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    /** Three classes of short texts, each with words of its own among shared ones. */
    static Path texts(Path file) throws IOException {
        SplittableRandom r = new SplittableRandom(4);
        String[][] words = {{"rain", "cloud", "storm", "wet"}, {"sun", "warm", "bright", "dry"}, {"snow", "cold", "ice", "frost"}};
        String[] shared = {"the", "day", "was", "very", "today", "and"};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int c = i % 3;
            StringBuilder t = new StringBuilder();
            for (int w = 0; w < 8; w++) t.append(r.nextInt(3) == 0 ? words[c][r.nextInt(4)] : shared[r.nextInt(shared.length)]).append(' ');
            lines.add("{\"text\": \"" + t.toString().strip() + "\", \"label\": \"" + new String[]{"rainy", "sunny", "snowy"}[c] + "\"}");
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private Path newConfig(Path data) {
        Path config = dir.resolve("config.yaml");
        CliRun r = CliRun.of("new", "--data", data.toString(), "--out", config.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + config + " (validated)");
        return config;
    }

    private Path train(Path config, Path run, String... sets) {
        List<String> args = new ArrayList<>(List.of("train", "-q", "--config", config.toString(), "--run-dir", run.toString(),
                "--set", "output.runs=" + dir.resolve("runs")));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return run;
    }

    /** predict --run on the raw files: accuracy and confusion matrix equal the report's, for every student. */
    private void predictEqualsEvaluation(Path run, Path data) throws IOException {
        JsonNode report = JSON.readTree(run.resolve("report.json").toFile());
        List<String> classes = new ArrayList<>();
        report.get("classes").forEach(c -> classes.add(c.asText()));
        int checked = 0;
        for (JsonNode m : report.get("models")) {
            if (!"student".equals(m.get("role").asText())) continue;
            Path out = dir.resolve(m.get("name").asText() + ".csv");
            CliRun r = CliRun.of("predict", "--model", run.resolve("students/" + m.get("name").asText() + ".zip").toString(),
                    "--input", data.toString(), "--run", run.toString(), "--output", out.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            long[][] confusion = new long[classes.size()][classes.size()];
            try (Stream<String> lines = Files.lines(out)) {
                lines.skip(1).forEach(l -> {
                    String[] f = l.split(",");
                    confusion[classes.indexOf(f[3])][classes.indexOf(f[1])]++;
                });
            }
            JsonNode test = m.get("test");
            long[][] expected = JSON.convertValue(test.get("confusion"), long[][].class);
            assertThat(confusion).as(m.get("name").asText()).isDeepEqualTo(expected);
            assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%%", 100 * test.get("accuracy").asDouble()));
            checked++;
        }
        assertThat(checked).isEqualTo(3);
    }

    @Test
    void anImageFolderTrainsAndItsStudentsClassifyTheRawFilesAsTheRunDid() throws IOException {
        Path data = images(dir.resolve("shapes"));
        Path config = newConfig(data);
        Path run = train(config, dir.resolve("run"), "training.epochs=3");
        JsonNode dataJson = JSON.readTree(run.resolve("data.json").toFile());
        assertThat(dataJson.get("classes").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
        assertThat(dataJson.at("/counts/test/circle").asLong()).isEqualTo(8);
        assertThat(Files.readAllLines(run.resolve("test-examples.txt"))).hasSize(24);
        predictEqualsEvaluation(run, data);
        assertThat(Files.readString(run.resolve("report.md"))).contains("circle").contains("triangle");
    }

    @Test
    void aTableTrainsAndItsStudentsClassifyTheRawRowsAsTheRunDid() throws IOException {
        Path data = table(dir.resolve("animals.csv"));
        Path config = newConfig(data);
        String yaml = Files.readString(config);
        assertThat(yaml).contains("label: kind").contains("missing: mean");
        // the id column would let a model memorise rows: drop it, as a user would
        Path run = train(config, dir.resolve("run"), "training.epochs=3", "data.drop=[id]");
        assertThat(JSON.readTree(run.resolve("data.json").toFile()).get("classes").toString()).isEqualTo("[\"ant\",\"bee\",\"cat\"]");
        predictEqualsEvaluation(run, data);
    }

    @Test
    void textsTrainAndTheirStudentsClassifyTheRawLinesAsTheRunDid() throws IOException {
        Path data = texts(dir.resolve("weather.jsonl"));
        Path config = newConfig(data);
        Path run = train(config, dir.resolve("run"), "training.epochs=2", "data.maxLength=16");
        predictEqualsEvaluation(run, data);
    }

    @Test
    void aKilledRunOnAUserDatasetResumesBitwise() throws IOException {
        Path data = images(dir.resolve("shapes"));
        Path config = newConfig(data);
        String[] sets = {"training.epochs=2", "checkpoint.every=4", "checkpoint.keep=10"};
        Path whole = train(config, dir.resolve("whole"), sets);
        // the same run killed after its checkpoint at step 4: only what a checkpoint keeps survives
        Path killed = train(config, dir.resolve("killed"), sets);
        Files.delete(killed.resolve("report.json"));
        try (Stream<Path> files = Files.list(killed.resolve("students"))) {
            for (Path f : files.toList()) Files.delete(f);
        }
        try (Stream<Path> cps = Files.list(killed.resolve("checkpoints"))) {
            for (Path cp : cps.filter(p -> !p.getFileName().toString().equals("step-00000004")).toList()) {
                try (Stream<Path> inside = Files.walk(cp)) {
                    for (Path f : inside.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
                }
            }
        }
        CliRun r = CliRun.of("resume", killed.toString(), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode a = JSON.readTree(whole.resolve("report.json").toFile());
        JsonNode b = JSON.readTree(killed.resolve("report.json").toFile());
        for (int i = 0; i < a.get("models").size(); i++) {
            assertThat(b.get("models").get(i).get("test")).isEqualTo(a.get("models").get(i).get("test"));
        }
        // the students' weights themselves, bit for bit
        for (String student : List.of("cnn-8", "cnn-4", "mlp-32")) {
            assertThat(coefficients(killed.resolve("students/" + student + ".zip")))
                    .as(student).isEqualTo(coefficients(whole.resolve("students/" + student + ".zip")));
        }
    }

    private static byte[] coefficients(Path zip) throws IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            return z.getInputStream(z.getEntry("coefficients.bin")).readAllBytes();
        }
    }
}
