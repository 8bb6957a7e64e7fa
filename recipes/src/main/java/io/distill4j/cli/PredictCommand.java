package io.distill4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distill4j.model.ModelFileException;
import io.distill4j.predict.Distill4jModel;
import io.distill4j.predict.Prediction;
import io.distill4j.runtime.AtomicFiles;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code distill4j predict --model students/s.zip --input FILE|FOLDER [--output p.csv|p.jsonl]}: classifies raw inputs
 * (CSV rows, image files, texts) with an exported student and the preprocessing it carries.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify raw inputs (a CSV file, images or a folder of them, texts) with an exported student: each input's "
                + "class and probabilities; with labelled inputs, the accuracy.")
public final class PredictCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", required = true, paramLabel = "ZIP", description = "A student zip from a run's students/ folder.")
    Path model;

    @CommandLine.Option(names = "--input", required = true, paramLabel = "FILE|FOLDER",
            description = "Inputs laid out as the training data was: a CSV/TSV with the training columns; an image file, a folder of "
                    + "images or of class folders; a JSONL/CSV file of texts, a .txt file, a folder of .txt files or of class folders.")
    Path input;

    @CommandLine.Option(names = "--output", paramLabel = "FILE",
            description = "Write every prediction to FILE: .csv (id, class, probability, label, one column per class) or .jsonl. "
                    + "Without it, the first predictions are printed.")
    Path output;

    @CommandLine.Option(names = "--run", paramLabel = "DIR",
            description = "Only the inputs that were this run's test split (its test-examples.txt, written when the split was "
                    + "data.testFraction of --input): their accuracy equals the run's report.")
    Path run;

    @CommandLine.Mixin
    ThreadsOption threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(input)) throw new UserInputException(ExitCodes.USAGE, "--input " + input + ": no such file or folder");
        String kind = output == null ? null : output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (kind != null && !kind.endsWith(".csv") && !kind.endsWith(".jsonl")) {
            throw new UserInputException(ExitCodes.USAGE, "--output " + output + ": expected a .csv or .jsonl file name");
        }
        threads.check(spec);
        java.util.function.IntPredicate keep = testExamples();
        Backend.start(threads.value(), false);
        Distill4jModel m;
        try {
            m = Distill4jModel.load(model);
        } catch (ModelFileException e) {
            throw new UserInputException(ExitCodes.CHECKPOINT, e.getMessage());
        }
        List<String> classes = m.classes();
        PrintWriter out = spec.commandLine().getOut();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintWriter file = new PrintWriter(new java.io.OutputStreamWriter(written, StandardCharsets.UTF_8));
        // FastCSV quotes what needs quoting (ids and class names come from users' files and folders)
        de.siegmar.fastcsv.writer.CsvWriter csv = kind != null && kind.endsWith(".csv")
                ? de.siegmar.fastcsv.writer.CsvWriter.builder().lineDelimiter(de.siegmar.fastcsv.writer.LineDelimiter.LF).build(file) : null;
        if (csv != null) csv.writeRecord(csvHeader(classes));
        ObjectMapper json = new ObjectMapper();
        long[] counts = new long[3];   // predicted, labelled, correct
        // a progress bar on a terminal only: redirected output gets no carriage-return noise
        try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("predict").setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(500).continuousUpdate().build()) {
            m.predict(input, keep, p -> {
                counts[0]++;
                if (p.label() != null) {
                    counts[1]++;
                    if (p.correct()) counts[2]++;
                }
                if (bar != null) bar.step();
                if (kind == null) {
                    if (counts[0] <= 20) out.printf("%s\t%s\t%.4f%s%n", p.id(), p.className(), p.probability(),
                            p.label() == null ? "" : "\t(label " + p.label() + ")");
                } else if (csv != null) {
                    csv.writeRecord(csvRow(p));
                } else {
                    file.println(jsonRow(json, p, classes));
                }
            });
        }
        if (csv != null) csv.flush();
        file.flush();
        if (output != null) {
            AtomicFiles.write(output, written.toByteArray());
            out.printf("%d prediction(s) written to %s%n", counts[0], output);
        } else if (counts[0] > 20) {
            out.printf("... %d more (write them all with --output FILE.csv)%n", counts[0] - 20);
        }
        if (counts[1] > 0) {
            out.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d labelled inputs)%n", 100.0 * counts[2] / counts[1], counts[2], counts[1]);
        }
        if (counts[0] == 0) throw new UserInputException(ExitCodes.DATA, "--input " + input + ": no inputs found");
        return ExitCodes.OK;
    }

    /** Positions kept by --run: the run's test examples; all without it. */
    private java.util.function.IntPredicate testExamples() throws IOException {
        if (run == null) return i -> true;
        Path list = run.resolve("test-examples.txt");
        if (!Files.isRegularFile(list)) {
            throw new UserInputException(ExitCodes.USAGE, "--run " + run + ": no test-examples.txt (the run's test split was a file or "
                    + "folder of its own, data.test: give that as --input instead)");
        }
        java.util.BitSet set = new java.util.BitSet();
        int line = 0;
        for (String l : Files.readAllLines(list, StandardCharsets.UTF_8)) {
            line++;
            try {
                set.set(Integer.parseInt(l.trim()));
            } catch (RuntimeException e) {
                throw new UserInputException(ExitCodes.DATA, list + ":" + line + ": expected an example position, got '" + ConsoleText.line(l) + "'");
            }
        }
        return set::get;
    }

    private static java.util.List<String> csvHeader(List<String> classes) {
        java.util.List<String> h = new java.util.ArrayList<>(List.of("id", "class", "probability", "label"));
        for (String c : classes) h.add("p_" + c);
        return h;
    }

    private static java.util.List<String> csvRow(Prediction p) {
        java.util.List<String> r = new java.util.ArrayList<>(List.of(p.id(), p.className(), Double.toString(p.probability()),
                p.label() == null ? "" : p.label()));
        for (double v : p.probabilities()) r.add(Double.toString(v));
        return r;
    }

    private static String jsonRow(ObjectMapper json, Prediction p, List<String> classes) {
        ObjectNode n = json.createObjectNode();
        n.put("id", p.id());
        n.put("class", p.className());
        n.put("probability", p.probability());
        if (p.label() != null) n.put("label", p.label());
        ObjectNode probs = n.putObject("probabilities");
        for (int i = 0; i < classes.size(); i++) probs.put(classes.get(i), p.probabilities()[i]);
        return n.toString();
    }
}
