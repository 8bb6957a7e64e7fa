package io.distill4j.data.user.table;

import io.distill4j.data.DataException;
import io.distill4j.data.InputShape;
import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.Inspection;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a table holds, for {@code distill4j new --data}: one pass counting rows, typing each column (numeric: min, max,
 * missing; categorical: distinct values and the commonest), guessing the label column and counting its classes.
 * Distinct values are counted up to a bound, so a huge id column does not fill the heap.
 *
 * <p>The pass is split like the parse into the cache ({@link Ranges}, {@link RangeInput}): byte ranges at line feeds,
 * tallied in parallel and added up in file order, when the file has no quotes; one thread otherwise. The result is
 * the same either way: when the bounded counts of a column that is reported would be inexact (ranges that each
 * overflowed, or numbers left uncounted by {@link ColumnTally}'s shortcut), the pass is redone in one thread, counting
 * every value if need be.
 */
final class TableInspector {
    private static final List<String> LABEL_NAMES = List.of("label", "class", "target", "species", "y");

    private TableInspector() {
    }

    static Inspection inspect(Path path, char delimiter, String format, int threads, long minRange) throws IOException {
        String file = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            TableParser.HeaderLine head = TableParser.headerLine(ch, size, delimiter);
            RangeInspection all = null;
            if (head != null && threads > 1 && (size - head.end()) / 2 >= minRange) all = parallel(file, ch, size, head, delimiter, threads, minRange);
            if (all == null) all = sequential(file, ch, delimiter, true);
            if (all.inexact()) all = sequential(file, ch, delimiter, false);
            return report(file, format, all);
        }
    }

    private static RangeInspection sequential(String file, FileChannel ch, char delimiter, boolean lazy) throws IOException {
        RangeInspection r = new RangeInspection(null, lazy, true, new AtomicBoolean());
        try {
            r.inspect(file, new RangeInput(ch, 0, Long.MAX_VALUE, false), delimiter);
        } catch (Chunk.Refusal e) {
            throw e.at(file, 0);
        }
        return r;
    }

    /** The ranges' tallies added up, or null when one thread must do it (a quote, or counts that would be inexact). */
    static RangeInspection parallel(String file, FileChannel ch, long size, TableParser.HeaderLine head, char delimiter,
                                    int threads, long minRange) throws IOException {
        List<String> header = TableHeader.names(file, head.fields());
        List<Long> cuts = Ranges.cuts(ch, head.end(), size, threads, minRange);
        List<RangeInspection> parts = new ArrayList<>();
        List<RangeInput> inputs = new ArrayList<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        AtomicBoolean doomed = new AtomicBoolean();
        for (int k = 0; k + 1 < cuts.size(); k++) {
            RangeInspection part = new RangeInspection(header, true, k == 0, doomed);
            // the last range may hold quotes: nothing after it depends on where its lines start
            RangeInput in = new RangeInput(ch, cuts.get(k), cuts.get(k + 1), k + 2 < cuts.size());
            parts.add(part);
            inputs.add(in);
            tasks.add(() -> {
                part.inspect(file, in, delimiter);
                return null;
            });
        }
        List<Throwable> failures = Ranges.runAll(tasks, file);
        // a quote or lone CR (lines may not start at the cuts), or counts known to be short: one thread does it all
        if (doomed.get() || inputs.stream().anyMatch(i -> i.unsafe)) return null;
        long offset = 1;   // the header line
        for (int k = 0; k < parts.size(); k++) {
            Throwable t = failures.get(k);
            if (t instanceof Chunk.Refusal r) throw r.at(file, offset);
            Ranges.rethrow(t);
            offset += inputs.get(k).lineFeeds;
        }
        RangeInspection all = parts.get(0);
        for (int k = 1; k < parts.size(); k++) all.addAll(parts.get(k));
        return all.inexact() ? null : all;
    }

    private static Inspection report(String file, String format, RangeInspection all) {
        List<String> header = all.header;
        if (all.rows == 0) throw new DataException(file + ":1: has a header but no rows; expected at least one data row after it");
        int label = guessLabel(header);
        List<String> details = new ArrayList<>();
        details.add("columns: " + String.join(", ", header));
        int width = 0;
        for (int j = 0; j < header.size(); j++) {
            ColumnTally t = all.tallies[j];
            String desc = "column '" + header.get(j) + "': ";
            if (j == label) {
                desc += "label, " + t.distinct() + " classes";
            } else if (t.numeric()) {
                desc += t.numbers == 0 ? "numeric, every value missing" : "numeric, min " + t.min + ", max " + t.max;
                width++;
            } else {
                desc += "categorical, " + t.distinct() + " distinct, top: " + t.top(5);
                width += t.values.size() + (t.missing > 0 ? 1 : 0);
            }
            if (t.missing > 0) desc += ", " + t.missing + " missing";
            details.add(desc);
        }
        if (all.tallies[label].values.overflow) {
            throw new DataException(file + ": label column '" + header.get(label) + "' has more than " + ValueCounts.CAP + " distinct values; is it the label?");
        }
        Map<String, Long> labels = all.labels.spelt();
        Map<String, Long> classCounts = new LinkedHashMap<>();
        for (String c : ClassNames.of(labels.keySet())) classCounts.put(c, labels.get(c));
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("label", header.get(label));
        // a missing cell is an error by default; a table that has some gets the training mean (and a "(missing)"
        // category) suggested, and says so
        boolean anyMissing = false;
        for (int j = 0; j < header.size(); j++) if (j != label && all.tallies[j].missing > 0) anyMissing = true;
        if (anyMissing) {
            keys.put("missing", "mean");
            details.add("missing cells: filled with the training mean (numeric) or a \"(missing)\" category (missing: mean)");
        }
        return new Inspection(format, all.rows, classCounts, new InputShape(1, width, 1, 0), details, keys);
    }

    /** {@code label}, else a column called class/target/species/y (any case), else the last column. */
    static int guessLabel(List<String> header) {
        for (String want : LABEL_NAMES) {
            for (int j = 0; j < header.size(); j++) if (header.get(j).toLowerCase(Locale.ROOT).equals(want)) return j;
        }
        return header.size() - 1;
    }
}
