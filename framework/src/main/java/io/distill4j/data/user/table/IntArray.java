package io.distill4j.data.user.table;

import java.util.Arrays;

/** A growable int[]: the label codes of a source (4 bytes a row, what {@code SplitPlan.assign} needs anyway). */
final class IntArray {
    private int[] a = new int[1024];
    private int n;

    void add(int v) {
        if (n == a.length) a = Arrays.copyOf(a, Math.max(16, a.length + (a.length >> 1)));
        a[n++] = v;
    }

    int get(int i) {
        return a[i];
    }

    int size() {
        return n;
    }
}
