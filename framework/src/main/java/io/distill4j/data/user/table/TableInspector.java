package io.distill4j.data.user.table;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.distill4j.data.DataException;
import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.InputShape;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a table holds, for {@code distill4j new --data}: one streaming pass counting rows, typing each column
 * (numeric: min, max, missing; categorical: distinct values and the commonest), guessing the label column and
 * counting its classes. Distinct values are counted up to a bound, so a huge id column does not fill the heap.
 */
final class TableInspector {
    private static final int MAX_DISTINCT = 10_000;
    private static final List<String> LABEL_NAMES = List.of("label", "class", "target", "species", "y");

    private TableInspector() {
    }

    /** One column's tally. */
    private static final class Tally {
        long numbers;
        long missing;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        final Map<String, Long> values = new HashMap<>();
        boolean overflow;
        long texts;

        void add(String t) {
            if (Cells.isMissing(t)) {
                missing++;
                return;
            }
            double x = Cells.number(t);
            if (Double.isNaN(x)) {
                texts++;
            } else {
                numbers++;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            String key = Double.isNaN(x) ? t : Cells.numberKey(x);
            if (values.containsKey(key)) values.merge(key, 1L, Long::sum);
            else if (values.size() < MAX_DISTINCT) values.put(key, 1L);
            else overflow = true;
        }

        String top(int n) {
            List<Map.Entry<String, Long>> e = new ArrayList<>(values.entrySet());
            e.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(n, e.size()); i++) sb.append(i == 0 ? "" : ", ").append(e.get(i).getKey()).append(" (").append(e.get(i).getValue()).append(')');
            return sb.toString();
        }

        String distinct() {
            return (overflow ? "more than " : "") + values.size();
        }
    }

    static Inspection inspect(Path path, char delimiter, String format) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            RangeInput in = new RangeInput(ch, 0, Long.MAX_VALUE, false);
            try {
                Inspection i = inspect(path.toString(), in, delimiter, format);
                if (in.badUtf8Line > 0) throw Chunk.utf8(in.badUtf8Line).at(path.toString(), 0);
                return i;
            } catch (DataException e) {
                if (in.badUtf8Line > 0) throw Chunk.utf8(in.badUtf8Line).at(path.toString(), 0);
                throw e;
            }
        }
    }

    private static Inspection inspect(String file, RangeInput in, char delimiter, String format) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        long line = 1;
        try (var reader = CsvReader.builder().fieldSeparator(delimiter).extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .ofCsvRecord(new InputStreamReader(in, decoder))) {
            Iterator<CsvRecord> it = reader.iterator();
            if (!it.hasNext()) throw new DataException(file + ": is empty; expected a header row naming the columns");
            List<String> header = TableHeader.names(file, it.next().getFields());
            Tally[] tallies = new Tally[header.size()];
            for (int j = 0; j < tallies.length; j++) tallies[j] = new Tally();
            long rows = 0;
            int labelGuess = guessLabel(header);
            // the format reads labels as trimmed text (not by value like the tallies), so count them that way
            Map<String, Long> labels = new HashMap<>();
            while (it.hasNext()) {
                CsvRecord r = it.next();
                line = r.getStartingLineNumber();
                if (r.getFieldCount() != header.size()) {
                    throw new DataException(file + ":" + line + ": expected " + header.size() + " fields (as the header has), got " + r.getFieldCount());
                }
                for (int j = 0; j < tallies.length; j++) tallies[j].add(r.getField(j).trim());
                String l = r.getField(labelGuess).trim();
                if (!l.isEmpty() && (labels.containsKey(l) || labels.size() < MAX_DISTINCT)) labels.merge(l, 1L, Long::sum);
                rows++;
            }
            if (rows == 0) throw new DataException(file + ":1: has a header but no rows; expected at least one data row after it");
            int label = guessLabel(header);
            List<String> details = new ArrayList<>();
            details.add("columns: " + String.join(", ", header));
            int width = 0;
            for (int j = 0; j < header.size(); j++) {
                Tally t = tallies[j];
                boolean numeric = t.texts == 0;
                String desc = "column '" + header.get(j) + "': ";
                if (j == label) {
                    desc += "label, " + t.distinct() + " classes";
                } else if (numeric) {
                    desc += t.numbers == 0 ? "numeric, every value missing" : "numeric, min " + t.min + ", max " + t.max;
                    width++;
                } else {
                    desc += "categorical, " + t.distinct() + " distinct, top: " + t.top(5);
                    width += t.values.size() + (t.missing > 0 ? 1 : 0);
                }
                if (t.missing > 0) desc += ", " + t.missing + " missing";
                details.add(desc);
            }
            Tally lt = tallies[label];
            if (lt.overflow) throw new DataException(file + ": label column '" + header.get(label) + "' has more than " + MAX_DISTINCT + " distinct values; is it the label?");
            Map<String, Long> classCounts = new LinkedHashMap<>();
            for (String c : ClassNames.of(labels.keySet())) classCounts.put(c, labels.get(c));
            Map<String, Object> keys = new LinkedHashMap<>();
            keys.put("label", header.get(label));
            // a missing cell is an error by default; a table that has some gets the training mean (and a "(missing)"
            // category) suggested, and says so
            boolean anyMissing = false;
            for (int j = 0; j < header.size(); j++) if (j != label && tallies[j].missing > 0) anyMissing = true;
            if (anyMissing) {
                keys.put("missing", "mean");
                details.add("missing cells: filled with the training mean (numeric) or a \"(missing)\" category (missing: mean)");
            }
            return new Inspection(format, rows, classCounts, new InputShape(1, width, 1, 0), details, keys);
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            throw new DataException(file + ":" + Chunk.csvLine(e, line + 1) + ": " + Chunk.csvProblem(e));
        } catch (UncheckedIOException e) {
            if (!Chunk.isCoding(e)) throw e;
            throw new DataException(file + ":" + (line + 1) + ": not valid UTF-8 (at or near this line); save the file as UTF-8");
        }
    }

    /** {@code label}, else a column called class/target/species/y (any case), else the last column. */
    static int guessLabel(List<String> header) {
        for (String want : LABEL_NAMES) {
            for (int j = 0; j < header.size(); j++) if (header.get(j).toLowerCase(Locale.ROOT).equals(want)) return j;
        }
        return header.size() - 1;
    }
}
