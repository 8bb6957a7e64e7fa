package io.distill4j.cli;

import io.distill4j.data.user.Inspection;
import io.distill4j.data.InputShape;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The online recipe {@code distill4j new} writes for a user's data: a teacher, an assistant and three students sized
 * for the input (MLPs for a table, CNNs and an MLP for images, transformers for texts), twins on, and a length that
 * gives about {@value #TARGET_STEPS} training steps ({@value #TARGET_TEXT_STEPS} for texts; at least one epoch, at most
 * {@value #MAX_EPOCHS}).
 */
final class RecipeSketch {
    static final int TARGET_STEPS = 3000;
    /** A transformer step on long texts costs ~20x an MLP step on a table: texts get fewer. */
    static final int TARGET_TEXT_STEPS = 800;
    static final int MAX_EPOCHS = 200;
    static final double TEST_FRACTION = 0.2;

    private RecipeSketch() {
    }

    /** A run name from a file or folder name: letters, digits, dots, dashes and underscores. */
    static String runName(Path data) {
        String n = data.toAbsolutePath().normalize().getFileName().toString().replaceFirst("\\.[A-Za-z0-9]+$", "")
                .replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (n.isEmpty()) n = "my-data";
        return (n.length() > 50 ? n.substring(0, 50) : n) + "-online";
    }

    static String shape(Inspection i) {
        InputShape s = i.shape();
        if (s.isText()) return s.width() + " token ids per text (vocabulary " + s.vocabulary() + ")";
        if (s.height() == 1 && s.channels() == 1) return s.width() + " features per row";
        return s.height() + "x" + s.width() + " pixels, " + (s.channels() == 1 ? "grey" : "RGB");
    }

    /** The largest batch this data would get; {@code maxBatch} lowers it (a run that does not fit in memory). */
    static int batch(Inspection found) {
        long trainRows = Math.round(found.examples() * (1 - TEST_FRACTION));
        int batch = trainRows >= 1_000_000 ? 256 : trainRows >= 5_000 ? 64 : trainRows >= 320 ? 32 : 16;
        // attention grows with the length squared: texts train in smaller batches
        return found.shape().isText() ? Math.min(batch, 32) : batch;
    }

    static String yaml(String name, String format, Path train, Inspection found, int maxBatch) {
        long examples = found.examples();
        long trainRows = Math.round(examples * (1 - TEST_FRACTION));
        int batch = Math.min(batch(found), maxBatch);
        long validation = Math.max(1, Math.min(5000, Math.round(trainRows * 0.1)));
        if (trainRows - validation < batch) validation = Math.max(0, trainRows - batch);
        long stepsPerEpoch = Math.max(1, (trainRows - validation) / batch);
        long epochs = Math.max(1, Math.min(MAX_EPOCHS, Math.round((double) (found.shape().isText() ? TARGET_TEXT_STEPS : TARGET_STEPS) / stepsPerEpoch)));
        long steps = epochs * stepsPerEpoch;
        long evalEvery = Math.max(1, steps / 10);
        StringBuilder y = new StringBuilder();
        y.append("# Written by `distill4j new --data ").append(train).append("`: an online-distillation recipe for this data.\n");
        y.append("# Edit freely; `distill4j validate --config FILE` checks it. The test split is ").append((int) (TEST_FRACTION * 100))
                .append("% of each class, held out by data.splitSeed\n# (the same for every training seed), the validation split a tenth of the rest.\n");
        y.append("name: ").append(name).append('\n');
        y.append("recipe: online\n");
        y.append("data:\n");
        y.append("  format: ").append(format).append('\n');
        y.append("  train: ").append(quote(train.toString())).append('\n');
        y.append("  testFraction: ").append(TEST_FRACTION).append('\n');
        y.append("  splitSeed: 0\n");
        y.append("  validation: ").append(validation).append('\n');
        for (Map.Entry<String, Object> e : found.dataKeys().entrySet()) {
            y.append("  ").append(e.getKey()).append(": ").append(value(e.getValue())).append('\n');
        }
        y.append("models:\n");
        InputShape s = found.shape();
        String adam = "optimizer: {name: adam, learningRate: 0.001}";
        if (s.isText()) {
            y.append("  teacher:\n    {family: transformer, layers: 2, hidden: [64], heads: 2, ffn: 128, dropout: 0.1, ").append(adam).append("}\n");
            y.append("  assistant:\n    {family: transformer, layers: 1, hidden: [64], heads: 2, ffn: 128, dropout: 0.1, ").append(adam).append(", learnsFrom: teacher}\n");
            y.append("  students:\n");
            for (int h : new int[]{32, 16, 8}) {
                y.append("    - {name: student-").append(h).append(", family: transformer, layers: 1, hidden: [").append(h)
                        .append("], heads: 2, ffn: ").append(2 * h).append(", dropout: 0.1, ").append(adam).append(", learnsFrom: assistant}\n");
            }
        } else if (s.height() >= 8 && s.width() >= 8) {
            boolean deep = Math.min(s.height(), s.width()) >= 16;
            y.append("  teacher:\n    {family: cnn, conv: [{filters: 32, kernel: 3, pool: 2}")
                    .append(deep ? ", {filters: 64, kernel: 3, pool: 2}" : "").append("], hidden: [128], ").append(adam).append("}\n");
            y.append("  assistant:\n    {family: cnn, conv: [{filters: 16, kernel: 3, pool: 2}], hidden: [64], ").append(adam)
                    .append(", learnsFrom: teacher}\n");
            y.append("  students:\n");
            y.append("    - {name: cnn-8, family: cnn, conv: [{filters: 8, kernel: 3, pool: 2}], hidden: [32], ").append(adam).append(", learnsFrom: assistant}\n");
            y.append("    - {name: cnn-4, family: cnn, conv: [{filters: 4, kernel: 3, pool: 2}], hidden: [], ").append(adam).append(", learnsFrom: assistant}\n");
            y.append("    - {name: mlp-32, family: mlp, hidden: [32], ").append(adam).append(", learnsFrom: assistant}\n");
        } else {
            y.append("  teacher:\n    {family: mlp, hidden: [256, 256], ").append(adam).append("}\n");
            y.append("  assistant:\n    {family: mlp, hidden: [128], ").append(adam).append(", learnsFrom: teacher}\n");
            y.append("  students:\n");
            for (int h : new int[]{64, 32, 16}) {
                y.append("    - {name: mlp-").append(h).append(", family: mlp, hidden: [").append(h).append("], ").append(adam)
                        .append(", learnsFrom: assistant}\n");
            }
        }
        y.append("distill:\n");
        y.append("  twins: true                # every distilled student gets a scratch twin: same init and batches, labels alone\n");
        y.append("  temperature: 2.0\n  alpha: 0.5\n  period: 1\n");
        y.append("  burnInSteps: ").append(steps / 10).append("             # labels only at first: an untrained teacher's targets are noise\n");
        y.append("training:\n");
        y.append("  parallel: true\n");
        y.append("  epochs: ").append(epochs).append("                  # ").append(String.format(Locale.ROOT, "%,d", steps))
                .append(" steps of ").append(batch).append("\n");
        y.append("  batchSize: ").append(batch).append('\n');
        y.append("  seed: 42\n");
        y.append("  evalEvery: ").append(evalEvery).append('\n');
        y.append("  logEvery: ").append(Math.max(1, steps / 50)).append('\n');
        y.append("checkpoint:\n  every: ").append(evalEvery).append("\n  keep: 2\n");
        y.append("output:\n  runs: runs\n");
        return y.toString();
    }

    private static String value(Object v) {
        if (v instanceof java.util.Collection<?> c) {
            return "[" + String.join(", ", c.stream().map(x -> quote(String.valueOf(x))).toList()) + "]";
        }
        return v instanceof Number || v instanceof Boolean ? v.toString() : quote(String.valueOf(v));
    }

    /** A YAML scalar, quoted unless it is plainly safe. */
    private static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./-][A-Za-z0-9_./ -]*") && !s.endsWith(" ")
                && !s.matches("(?i)true|false|yes|no|on|off|null|~|[-+]?[0-9.]+(e[-+]?[0-9]+)?")) return s;
        return "'" + s.replace("'", "''") + "'";
    }
}
