package io.distill4j.model;

import io.distill4j.model.transformer.TransformerZip;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * A model zip a run exported, read back for inference only: the logits of feature rows through the same inference
 * pass the run's evaluation used ({@link TrainableModel#inferenceRows}), whatever engine wrote it.
 */
@FunctionalInterface
public interface ExportedModel {
    /** Logits of {@code features} ({@code [n, inputs]}), one row per example. */
    float[][] logits(INDArray features);

    /**
     * Reads {@code zip}: a transformer zip (it holds {@link TransformerZip#SPEC}), else a DL4J network zip.
     *
     * @throws ModelFileException when it is neither, or cannot be read
     */
    static ExportedModel read(Path zip) throws ModelFileException {
        try {
            boolean transformer;
            try (ZipFile z = new ZipFile(zip.toFile())) {
                transformer = z.getEntry(TransformerZip.SPEC) != null;
            }
            if (transformer) return TransformerZip.read(zip).model()::inferenceRows;
            return io.distill4j.model.dl4j.Dl4jModel.forInference(zip);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(zip.toString(), null, "cannot be read as a model (" + e.getMessage() + ")");
        }
    }
}
