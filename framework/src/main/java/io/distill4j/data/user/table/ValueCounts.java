package io.distill4j.data.user.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each value occurs, for the first {@link #CAP} distinct values in the order they are met; a new value past
 * that only sets {@link #overflow}, so a huge id column does not fill the heap. A number is keyed by its value (a
 * boxed double, -0.0 as 0.0), the identity {@link Cells#numberKey} gives it, and spelt only when reported: spelling
 * every numeric cell cost more than parsing it.
 */
final class ValueCounts {
    static final int CAP = 10_000;

    private final Map<Object, Integer> index = new HashMap<>();
    private final List<Object> keys = new ArrayList<>();
    private long[] counts = new long[16];
    boolean overflow;
    /** Set when some counts may be short: a part added here had overflowed, or a caller skipped values ({@link #skip}). */
    boolean inexact;

    void addNumber(double x) {
        add(x == 0 ? 0.0 : x, 1);   // 0.0 and -0.0 are one category, as numberKey spells both "0"
    }

    void addText(String t) {
        add(t, 1);
    }

    /** Leaves a value uncounted: the counts are then {@link #inexact}. */
    void skip() {
        inexact = true;
    }

    private void add(Object key, long n) {
        Integer i = index.get(key);
        if (i != null) {
            counts[i] += n;
        } else if (keys.size() < CAP) {
            if (keys.size() == counts.length) counts = Arrays.copyOf(counts, counts.length * 2);
            index.put(key, keys.size());
            counts[keys.size()] = n;
            keys.add(key);
        } else {
            overflow = true;
        }
    }

    /**
     * Adds the counts of a later part of the file, as if its values had followed these. The result equals one pass
     * over both unless {@code later} overflowed (then {@link #inexact}): it dropped counts of values it met only after
     * its own cap, which these may hold.
     */
    void addAll(ValueCounts later) {
        for (int i = 0; i < later.keys.size(); i++) add(later.keys.get(i), later.counts[i]);
        overflow |= later.overflow;
        inexact |= later.inexact || later.overflow;
    }

    int size() {
        return keys.size();
    }

    /** Each value as reported (a number spelt by {@link Cells#numberKey}) with its count, in the order first met. */
    Map<String, Long> spelt() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Object k = keys.get(i);
            m.put(k instanceof Double d ? Cells.numberKey(d) : (String) k, counts[i]);
        }
        return m;
    }
}
