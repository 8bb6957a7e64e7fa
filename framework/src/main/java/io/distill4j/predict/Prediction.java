package io.distill4j.predict;

import java.util.List;

/**
 * One classified input: where it came from, the most probable class (index and name), every class's probability (in
 * class-index order), and the input's own class name when it carried one (else null).
 */
public record Prediction(String id, int classIndex, String className, double[] probabilities, String label) {
    /** Probability of the predicted class. */
    public double probability() {
        return probabilities[classIndex];
    }

    /** Whether the input carried a class name and it was predicted (false when it carried none). */
    public boolean correct() {
        return className.equals(label);
    }

    /** Probabilities by class name, for printing. */
    public java.util.Map<String, Double> byClass(List<String> classes) {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) m.put(classes.get(i), probabilities[i]);
        return m;
    }
}
