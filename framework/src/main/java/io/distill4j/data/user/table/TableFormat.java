package io.distill4j.data.user.table;

import io.distill4j.data.DataException;
import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.FeatureSink;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import io.distill4j.data.user.UserFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code data.format} {@code csv} (comma) or {@code tsv} (tab): a header row, a label column, feature columns typed
 * from the training rows. One text pass writes a binary spill (so a table larger than the heap works), then the
 * split is planned from the labels, statistics are fitted on the {@link Part#TRAIN} rows of the spill only, and a
 * last pass writes every row through the fitted {@link TablePreprocessor}. Spill files are deleted however it ends.
 *
 * <p>Missing cells: empty, or NA, N/A, NaN, null, ? (trimmed, any case); see {@link Cells}.
 */
public final class TableFormat implements UserFormat {
    /** Phase timings, at debug level (--verbose): where a slow parse spends its time. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableFormat.class);

    private final String name;
    private final char delimiter;
    private final int threads;
    private final long minRange;

    TableFormat(String name, char delimiter, int threads, long minRange) {
        this.name = name;
        this.delimiter = delimiter;
        this.threads = threads;
        this.minRange = minRange;
    }

    public static TableFormat csv() {
        return new TableFormat("csv", ',', Runtime.getRuntime().availableProcessors(), TableParser.DEFAULT_MIN_RANGE);
    }

    public static TableFormat tsv() {
        return new TableFormat("tsv", '\t', Runtime.getRuntime().availableProcessors(), TableParser.DEFAULT_MIN_RANGE);
    }

    /** The same format parsing with {@code threads} threads, ranges down to {@code minRange} bytes (tests, the bench). */
    TableFormat withThreads(int threads, long minRange) {
        return new TableFormat(name, delimiter, threads, minRange);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Preprocessor prepare(UserDataSpec spec, SplitPlan plan, FeatureSink sink) throws IOException {
        List<Path> spills = new ArrayList<>();
        try {
            return prepare(spec, plan, sink, spills);
        } finally {
            for (Path p : spills) Files.deleteIfExists(p);
        }
    }

    private Preprocessor prepare(UserDataSpec spec, SplitPlan plan, FeatureSink sink, List<Path> spills) throws IOException {
        long t0 = System.nanoTime();
        // the config validates these; checked again because a value the preprocessing JSON cannot carry would make an unreadable export
        if (!List.of("error", "mean", "zero").contains(spec.missing())) throw new DataException("data.missing must be error, mean or zero, got '" + spec.missing() + "'");
        if (!List.of("error", "zeros").contains(spec.unseen())) throw new DataException("data.unseen must be error or zeros, got '" + spec.unseen() + "'");
        boolean missingIsError = "error".equals(spec.missing());
        TableParser parser = new TableParser(delimiter, missingIsError, Path.of(System.getProperty("java.io.tmpdir")), threads, minRange);
        String trainFile = spec.train().toString();
        TableParser.Parsed train = parser.parse(spec.train(), h -> trainLayout(trainFile, h, spec), spills);
        List<String> features = train.layout().featureNames();
        TableParser.Parsed test = spec.test() == null ? null
                : parser.parse(spec.test(), h -> testLayout(spec.test().toString(), h, features, spec.label()), spills);

        // classes from the training source's labels; the split from their class indices
        TreeSet<String> names = new TreeSet<>();
        for (Chunk c : train.chunks()) names.addAll(c.labelNames);
        List<String> classes = ClassNames.of(names);
        Map<String, Integer> classIndex = ClassNames.indexOf(classes);
        int[][] trainCodes = codesToClasses(train, classIndex, classes);
        int[][] testCodes = test == null ? null : codesToClasses(test, classIndex, classes);
        long total = train.rows();
        if (total > Integer.MAX_VALUE - 8) throw new DataException(trainFile + ": has " + total + " rows; at most " + (Integer.MAX_VALUE - 8) + " are supported");
        int[] labels = new int[(int) total];
        int i = 0;
        for (int k = 0; k < train.chunks().size(); k++) {
            IntArray codes = train.chunks().get(k).labels;
            for (int r = 0; r < codes.size(); r++) labels[i++] = trainCodes[k][codes.get(r)];
        }
        long t1 = System.nanoTime();
        Part[] parts = plan.assign(labels, classes, trainFile);
        long t2 = System.nanoTime();
        TablePreprocessor pre = fit(train, parts, classes, spec);
        long t3 = System.nanoTime();
        sink.begin(pre.shape().features());
        write(train, parts, labels, pre, sink, null);
        if (test != null) write(test, null, null, pre, sink, testCodes);
        long t4 = System.nanoTime();
        if (LOG.isDebugEnabled()) LOG.debug(String.format(java.util.Locale.ROOT, "text %.1f s, split %.1f s, statistics %.1f s, transform %.1f s",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9));
        return pre;
    }

    private static TableParser.Layout trainLayout(String file, List<String> header, UserDataSpec spec) {
        int label = TableHeader.position(file, header, spec.label(), "data.label");
        List<String> chosen = new ArrayList<>();
        if (spec.columns().isEmpty()) {
            for (String h : header) if (!h.equals(spec.label())) chosen.add(h);
        } else {
            for (String c : spec.columns()) {
                TableHeader.position(file, header, c, "data.columns");
                if (c.equals(spec.label())) throw new DataException(file + ":1: data.columns names the label column '" + c + "'; it cannot be a feature too");
                chosen.add(c);
            }
        }
        for (String d : spec.drop()) {
            TableHeader.position(file, header, d, "data.drop");
            chosen.remove(d);
        }
        chosen = List.copyOf(new LinkedHashSet<>(chosen));
        if (chosen.isEmpty()) throw new DataException(file + ":1: no feature columns left (label '" + spec.label() + "', header " + header + ")");
        int[] pos = chosen.stream().mapToInt(header::indexOf).toArray();
        return new TableParser.Layout(header, pos, label);
    }

    private static TableParser.Layout testLayout(String file, List<String> header, List<String> features, String label) {
        int l = TableHeader.position(file, header, label, "data.label");
        int[] pos = features.stream().mapToInt(f -> TableHeader.position(file, header, f, "the training file's header")).toArray();
        return new TableParser.Layout(header, pos, l);
    }

    /** Per chunk, label code → class index; a label the classes lack (only in a test file) is refused at its first line. */
    private static int[][] codesToClasses(TableParser.Parsed p, Map<String, Integer> classIndex, List<String> classes) {
        int[][] out = new int[p.chunks().size()][];
        for (int k = 0; k < out.length; k++) {
            Chunk c = p.chunks().get(k);
            out[k] = new int[c.labelNames.size()];
            for (int j = 0; j < out[k].length; j++) {
                Integer idx = classIndex.get(c.labelNames.get(j));
                if (idx == null) {
                    throw new DataException(p.file() + ":" + (c.labelFirstLine.get(j) + c.lineOffset) + ": label '" + c.labelNames.get(j)
                            + "' is not one of the training file's classes " + shortList(classes));
                }
                out[k][j] = idx;
            }
        }
        return out;
    }

    private static String shortList(List<String> s) {
        return s.size() <= 20 ? s.toString() : s.subList(0, 20) + " ... (" + s.size() + " in all)";
    }

    /** The statistics pass: reads the spill, keeps the TRAIN rows only. */
    private TablePreprocessor fit(TableParser.Parsed train, Part[] parts, List<String> classes, UserDataSpec spec) throws IOException {
        List<String> names = train.layout().featureNames();
        int nc = names.size();
        List<Chunk> chunks = train.chunks();
        ColumnStats[] stats = new ColumnStats[nc];
        for (int j = 0; j < nc; j++) {
            final int col = j;
            stats[j] = new ColumnStats(names.get(j), chunks.size(), chunks.stream().anyMatch(c -> !c.texts.get(col).isEmpty()));
        }
        int row = 0;
        for (int k = 0; k < chunks.size(); k++) {
            try (Spill.In in = new Spill.In(chunks.get(k).spill, nc)) {
                while (in.next()) {
                    if (parts[row++] != Part.TRAIN) continue;
                    for (int j = 0; j < nc; j++) stats[j].add(k, in.cells[j]);
                }
            }
        }
        List<List<String>> texts = new ArrayList<>();
        List<TableColumn> columns = new ArrayList<>();
        for (int j = 0; j < nc; j++) {
            texts.clear();
            for (Chunk c : chunks) texts.add(c.texts.get(j));
            columns.add(stats[j].fit(texts, train.file()));
        }
        return new TablePreprocessor(classes, spec.label(), delimiter, spec.missing(), spec.unseen(), columns);
    }

    /**
     * The transform pass: every row of {@code p}'s spill through {@link TableColumn#write} into the sink, in source
     * order; {@code parts} null means every row is TEST (a test file), with labels by {@code testCodes}.
     */
    private static void write(TableParser.Parsed p, Part[] parts, int[] labels, TablePreprocessor pre, FeatureSink sink,
                              int[][] testCodes) throws IOException {
        List<TableColumn> cols = pre.columns();
        int nc = cols.size();
        float[] row = new float[pre.shape().features()];
        boolean missingMean = pre.missingMean();
        boolean unseenZeros = pre.unseenZeros();
        int i = 0;
        for (int k = 0; k < p.chunks().size(); k++) {
            Chunk c = p.chunks().get(k);
            int[][] remap = new int[nc][];
            for (int j = 0; j < nc; j++) {
                TableColumn col = cols.get(j);
                if (col.numeric) continue;
                List<String> t = c.texts.get(j);
                remap[j] = new int[t.size()];
                for (int code = 0; code < t.size(); code++) remap[j][code] = col.category(t.get(code));
            }
            int[] pos = c.layout.features();
            try (Spill.In in = new Spill.In(c.spill, nc)) {
                while (in.next()) {
                    Part part = parts == null ? Part.TEST : parts[i];
                    int label = parts == null ? testCodes[k][in.label] : labels[i];
                    i++;
                    long line = in.line + c.lineOffset;
                    int off = 0;
                    for (int j = 0; j < nc; j++) {
                        TableColumn col = cols.get(j);
                        long cell = in.cells[j];
                        boolean text = Cells.isText(cell);
                        TablePreprocessor.writeCell(p.file(), line, pos[j], col, cell,
                                text && !col.numeric ? remap[j][Cells.textCode(cell)] : -1,
                                text ? c.texts.get(j).get(Cells.textCode(cell)) : null, missingMean, unseenZeros, row, off);
                        off += col.width();
                    }
                    sink.add(part, row, label);
                }
            }
        }
    }

    @Override
    public Inspection inspect(Path path) throws IOException {
        return TableInspector.inspect(path, delimiter, name, threads, minRange);
    }
}
