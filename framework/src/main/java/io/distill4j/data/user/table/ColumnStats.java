package io.distill4j.data.user.table;

import io.distill4j.data.DataException;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the training rows say about one feature column: a running mean and variance of its numbers (Welford, in row
 * order, so every parse path gives the same bits), which texts it holds, whether a cell was missing. It is
 * categorical when any training cell is text, else numeric.
 */
final class ColumnStats {
    private final String name;
    private long n;
    private double mean;
    private double m2;
    private boolean missing;
    private boolean text;
    /** Texts seen in training, per chunk (by that chunk's codes). */
    private final BitSet[] seen;
    /** Numbers seen in training, as category keys, in case the column turns out categorical (bounded). */
    private final Set<Double> numbers = new HashSet<>();
    private boolean numbersOverflow;

    /** {@code anyText}: the text pass met text in this column (in any row); else it is numeric and numbers need no keys. */
    ColumnStats(String name, int chunks, boolean anyText) {
        this.name = name;
        this.numbersOverflow = !anyText;
        this.seen = new BitSet[chunks];
        for (int i = 0; i < chunks; i++) seen[i] = new BitSet();
    }

    void add(int chunk, long cell) {
        if (cell == Cells.MISSING) {
            missing = true;
        } else if (Cells.isText(cell)) {
            text = true;
            seen[chunk].set(Cells.textCode(cell));
        } else {
            double x = Double.longBitsToDouble(cell);
            n++;
            double d = x - mean;
            mean += d / n;
            m2 += d * (x - mean);
            if (!numbersOverflow) {
                numbers.add(x);
                numbersOverflow = numbers.size() > Chunk.MAX_TEXT_VALUES;
            }
        }
    }

    /** The fitted column; {@code texts} are each chunk's text values by code. */
    TableColumn fit(List<List<String>> texts, String file) {
        if (!text) {   // numbersOverflow may be set here without harm: numeric columns never use the keys
            if (!Double.isFinite(mean)) {
                throw new DataException(file + ": column '" + name + "' holds numbers too large to average (the training mean overflows "
                        + "a double); scale the column down or leave it out with data.drop");
            }
            double std = n == 0 ? 0 : Math.sqrt(m2 / n);
            return TableColumn.numeric(name, n == 0 ? 0 : mean, std > 0 && Double.isFinite(std) ? std : 1);
        }
        if (numbersOverflow) {
            throw new DataException(file + ": column '" + name + "' mixes text with more than " + Chunk.MAX_TEXT_VALUES
                    + " distinct numbers in the training rows: neither numeric nor a category; fix its text values or leave it out with data.drop");
        }
        TreeSet<String> categories = new TreeSet<>();
        for (int c = 0; c < seen.length; c++) {
            List<String> t = texts.get(c);
            seen[c].stream().forEach(code -> categories.add(t.get(code)));
        }
        for (double x : numbers) categories.add(Cells.numberKey(x));
        if (missing) categories.add(Cells.MISSING_CATEGORY);
        return TableColumn.categorical(name, List.copyOf(categories));
    }
}
