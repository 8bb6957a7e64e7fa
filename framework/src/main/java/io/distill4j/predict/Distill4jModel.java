package io.distill4j.predict;

import io.distill4j.data.DataException;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.model.EntryChecksums;
import io.distill4j.model.ModelFileException;
import io.distill4j.model.ZipReader;
import io.distill4j.report.Evaluator;
import io.distill4j.runtime.StorageException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An exported student with the preprocessing it was trained with: classifies raw inputs in three lines.
 * <pre>{@code
 * Distill4jModel model = Distill4jModel.load(Path.of("runs/penguins/students/small.zip"));
 * for (Prediction p : model.predict(Path.of("data/penguins/penguins.csv")))
 *     System.out.println(p.id() + " " + p.className() + " " + p.probability());
 * }</pre>
 * Rows go through the model in the batches the run's evaluation used ({@link Evaluator#BATCH}) and through the same
 * inference pass, so the test split's predictions equal the run's own evaluation exactly.
 */
public final class Distill4jModel {
    private final Path zip;
    private final Preprocessor preprocessor;
    private final Function<INDArray, float[][]> logits;

    private Distill4jModel(Path zip, Preprocessor preprocessor, Function<INDArray, float[][]> logits) {
        this.zip = zip;
        this.preprocessor = preprocessor;
        this.logits = logits;
    }

    /**
     * Reads a student zip: its checksums verified, its preprocessing required.
     *
     * @throws ModelFileException when the file is not a readable model zip, an entry was modified, or it carries no
     *                            preprocessing (exported before students carried it)
     */
    public static Distill4jModel load(Path zip) throws ModelFileException {
        if (!Files.isRegularFile(zip)) throw new ModelFileException(zip.toString(), null, "no such file (expected a student zip from a run's students/ folder)");
        Map<String, byte[]> entries = ours(zip);
        Preprocessor p;
        try {
            p = Preprocessors.read(entries, zip.toString()).orElseThrow(() -> new ModelFileException(zip.toString(), Preprocessor.ENTRY,
                    "missing: this model was exported without its preprocessing (by a Distill4J before 0.2, or not by a run); "
                            + "re-export it by resuming its run, or train it again"));
        } catch (DataException e) {
            throw new ModelFileException(zip.toString(), Preprocessor.ENTRY, e.getMessage());
        }
        io.distill4j.model.ExportedModel model = io.distill4j.model.ExportedModel.read(zip);
        return new Distill4jModel(zip, p, model::logits);
    }

    /** The class names, in class-index order. */
    public List<String> classes() {
        return preprocessor.classes();
    }

    /** How raw inputs become rows (kind, shape, the statistics learnt in training). */
    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /** Classifies every input in a file or folder laid out as the training data was; in input order. */
    public List<Prediction> predict(Path input) {
        List<Prediction> out = new ArrayList<>();
        predict(input, out::add);
        return out;
    }

    /** As {@link #predict(Path)}, handing each prediction on as soon as its batch is done (for large inputs). */
    public void predict(Path input, Consumer<Prediction> out) {
        predict(input, position -> true, out);
    }

    /**
     * As {@link #predict(Path, Consumer)} for the inputs whose position in {@code input} (0-based, in read order)
     * {@code keep} accepts: e.g. a run's test examples ({@code test-examples.txt}), batched as its evaluation batched them.
     */
    public void predict(Path input, java.util.function.IntPredicate keep, Consumer<Prediction> out) {
        List<RawExample> batch = new ArrayList<>(Evaluator.BATCH);
        int[] position = {0};
        preprocessor.read(input, e -> {
            if (!keep.test(position[0]++)) return;
            batch.add(e);
            if (batch.size() == Evaluator.BATCH) {
                classify(batch, out);
                batch.clear();
            }
        });
        if (!batch.isEmpty()) classify(batch, out);
    }

    /** Classifies examples already read (e.g. by {@link Preprocessor#read}), in one batch. */
    public void classify(List<RawExample> examples, Consumer<Prediction> out) {
        int width = preprocessor.shape().features();
        float[] rows = new float[examples.size() * width];
        for (int i = 0; i < examples.size(); i++) {
            float[] f = examples.get(i).features();
            if (f.length != width) throw new IllegalStateException(examples.get(i).id() + ": " + f.length + " features, the model takes " + width);
            System.arraycopy(f, 0, rows, i * width, width);
        }
        INDArray x = Nd4j.create(rows, new long[]{examples.size(), width}, 'c');
        float[][] z = logits.apply(x);
        x.close();
        List<String> classes = classes();
        for (int i = 0; i < examples.size(); i++) {
            double[] p = softmax(z[i]);
            int best = 0;
            // the first largest logit, as the run's evaluation picks it
            for (int k = 1; k < z[i].length; k++) if (z[i][k] > z[i][best]) best = k;
            out.accept(new Prediction(examples.get(i).id(), best, classes.get(best), p, examples.get(i).label()));
        }
    }

    private static double[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) max = Math.max(max, v);
        double[] p = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) sum += (p[i] = Math.exp(z[i] - max));
        for (int i = 0; i < z.length; i++) p[i] /= sum;
        return p;
    }

    /** The zip's small entries of ours (not the engine's), each checked against the zip's checksums. */
    private static Map<String, byte[]> ours(Path zip) throws ModelFileException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry sums = z.getEntry(EntryChecksums.ENTRY);
            Map<String, String> expected = sums == null ? null : EntryChecksums.read(io.distill4j.model.ModelZip.bounded(z, sums, zip), zip.toString());
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                String n = e.getName();
                if (n.equals(EntryChecksums.ENTRY) || !(n.endsWith(".json") || n.endsWith(".txt"))) continue;
                byte[] bytes = io.distill4j.model.ModelZip.bounded(z, e, zip);
                if (expected != null) EntryChecksums.verify(expected, zip.toString(), n, io.distill4j.runtime.Sha256.hex(bytes));
                out.put(n, bytes);
            }
            return out;
        } catch (java.util.zip.ZipException e) {
            throw new ModelFileException(zip.toString(), null, "not a readable zip (" + e.getMessage() + ")");
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw StorageException.of("read", zip, e);
        }
    }



    @Override
    public String toString() {
        return "Distill4jModel[" + zip + ", " + preprocessor.kind() + ", classes " + classes() + "]";
    }
}
