package io.distill4j.data.user.table;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A feature column fitted on the training split: numeric (standardised with the training mean and std) or
 * categorical (one-hot over the sorted training categories). {@link #write} is the one place a cell becomes floats,
 * used by preparation (from the spill) and by prediction (from text), so both give the same bits.
 */
final class TableColumn {
    final String name;
    final boolean numeric;
    final double mean;
    final double std;
    final List<String> categories;
    private final Map<String, Integer> index = new HashMap<>();

    private TableColumn(String name, boolean numeric, double mean, double std, List<String> categories) {
        this.name = name;
        this.numeric = numeric;
        this.mean = mean;
        this.std = std;
        this.categories = List.copyOf(categories);
        for (int i = 0; i < this.categories.size(); i++) index.put(this.categories.get(i), i);
    }

    static TableColumn numeric(String name, double mean, double std) {
        return new TableColumn(name, true, mean, std, List.of());
    }

    static TableColumn categorical(String name, List<String> sortedCategories) {
        return new TableColumn(name, false, 0, 1, sortedCategories);
    }

    int width() {
        return numeric ? 1 : categories.size();
    }

    /** Position of {@code key} among the categories, or -1 for one not seen in training. */
    int category(String key) {
        Integer i = index.get(key);
        return i == null ? -1 : i;
    }

    /** The category of a non-text cell of this categorical column: a number by its value, or the missing category. */
    int category(long cell) {
        return category(cell == Cells.MISSING ? Cells.MISSING_CATEGORY : Cells.numberKey(Double.longBitsToDouble(cell)));
    }

    /**
     * Writes this column's floats for one cell at {@code out[off..off+width)}. Numeric: the cell's number, or for a
     * missing cell the training mean ({@code missingMean}) or raw 0, standardised; text never reaches here (the
     * caller refuses it). Categorical: one-hot at {@code category}, all zeros for -1 (an unseen category let through).
     */
    void write(long cell, int category, boolean missingMean, float[] out, int off) {
        if (numeric) {
            double x = Cells.isNumber(cell) ? Double.longBitsToDouble(cell) : missingMean ? mean : 0.0;
            out[off] = (float) ((x - mean) / std);
        } else {
            Arrays.fill(out, off, off + categories.size(), 0f);
            if (category >= 0) out[off + category] = 1f;
        }
    }

    /** Up to {@code max} categories for a message, with how many more there are. */
    String knownCategories(int max) {
        String shown = String.join(", ", categories.subList(0, Math.min(max, categories.size())));
        return categories.size() > max ? shown + ", ... (" + categories.size() + " in all)" : shown;
    }
}
