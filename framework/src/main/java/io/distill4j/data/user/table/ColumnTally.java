package io.distill4j.data.user.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One column's tally for inspection: numbers (min, max), missing cells, texts, and its values' counts. */
final class ColumnTally {
    /**
     * Whether to stop counting numbers once the counts are full and no text has been met: the counts of a numeric
     * column are never shown, and keeping them up (a map look-up per cell) made inspection several times slower than
     * the parse. If a text comes later the counts are marked inexact and the caller counts again without this.
     */
    private final boolean lazy;
    long numbers;
    long missing;
    long texts;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    final ValueCounts values = new ValueCounts();

    ColumnTally(boolean lazy) {
        this.lazy = lazy;
    }

    /** Counts one trimmed cell, read by the same {@link Cells} rules as the parse. */
    void add(String t) {
        if (Cells.isMissing(t)) {
            missing++;
            return;
        }
        double x = Cells.number(t);
        if (Double.isNaN(x)) {
            texts++;
            values.addText(t);
        } else {
            numbers++;
            min = Math.min(min, x);
            max = Math.max(max, x);
            if (lazy && texts == 0 && values.overflow) values.skip();
            else values.addNumber(x);
        }
    }

    /** Adds the tally of a later part of the file (min and max do not depend on order, signed zeros included). */
    void addAll(ColumnTally later) {
        numbers += later.numbers;
        missing += later.missing;
        texts += later.texts;
        min = Math.min(min, later.min);
        max = Math.max(max, later.max);
        values.addAll(later.values);
    }

    boolean numeric() {
        return texts == 0;
    }

    String top(int n) {
        List<Map.Entry<String, Long>> e = new ArrayList<>(values.spelt().entrySet());
        e.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, e.size()); i++) sb.append(i == 0 ? "" : ", ").append(e.get(i).getKey()).append(" (").append(e.get(i).getValue()).append(')');
        return sb.toString();
    }

    String distinct() {
        return (values.overflow ? "more than " : "") + values.size();
    }
}
