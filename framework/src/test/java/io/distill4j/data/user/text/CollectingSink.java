package io.distill4j.data.user.text;

import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Part;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Keeps every row a format writes, by part, as ints (the ids), for tests. */
final class CollectingSink implements FeatureSink {
    int width = -1;
    final Map<Part, List<int[]>> rows = new EnumMap<>(Part.class);
    final Map<Part, List<Integer>> labels = new EnumMap<>(Part.class);
    /** Every row in the order added, with its part. */
    final List<Part> order = new ArrayList<>();

    CollectingSink() {
        for (Part p : Part.values()) {
            rows.put(p, new ArrayList<>());
            labels.put(p, new ArrayList<>());
        }
    }

    @Override
    public void begin(int width) {
        if (this.width >= 0) throw new IllegalStateException("begin twice");
        this.width = width;
    }

    @Override
    public void add(Part part, float[] row, int label) {
        if (row.length != width) throw new IllegalStateException("row of " + row.length + ", width " + width);
        int[] ids = new int[row.length];
        for (int i = 0; i < row.length; i++) ids[i] = (int) row[i];
        rows.get(part).add(ids);
        labels.get(part).add(label);
        order.add(part);
    }

    List<int[]> rows(Part p) {
        return rows.get(p);
    }

    static int[] ints(float[] row) {
        int[] ids = new int[row.length];
        for (int i = 0; i < row.length; i++) ids[i] = (int) row[i];
        return ids;
    }
}
