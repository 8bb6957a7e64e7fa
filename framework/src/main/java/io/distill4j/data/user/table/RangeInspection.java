package io.distill4j.data.user.table;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.distill4j.data.DataException;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The inspection tallies of one byte range of a table, read like {@link Chunk} reads it (same CSV settings, same
 * {@link Cells} rules), so ranges can be tallied in parallel and added up in file order. Lines are counted from the
 * range's start; refusals are {@link Chunk.Refusal}s the caller makes file lines.
 */
final class RangeInspection {
    List<String> header;
    private int label;
    ColumnTally[] tallies;
    /** The label column's cells as trimmed text: the format reads labels that way, not by value like the tallies. */
    final ValueCounts labels = new ValueCounts();
    long rows;
    private final boolean lazy;
    private final boolean first;
    /** Set (by any range) once the tallies are known to be inexact: every range stops, and one thread counts again. */
    final AtomicBoolean doomed;

    /**
     * A range after the header, whose names the caller read, or (null) the whole file; lazy: see {@link ColumnTally};
     * {@code first}: the range the file's counts start from.
     */
    RangeInspection(List<String> header, boolean lazy, boolean first, AtomicBoolean doomed) {
        this.lazy = lazy;
        this.first = first;
        this.doomed = doomed;
        if (header != null) start(header);
    }

    private void start(List<String> header) {
        this.header = header;
        label = TableInspector.guessLabel(header);
        tallies = new ColumnTally[header.size()];
        for (int j = 0; j < tallies.length; j++) tallies[j] = new ColumnTally(lazy);
    }

    /** Tallies every record of {@code input}; reads the header from it first when none was given. */
    void inspect(String file, RangeInput input, char delimiter) throws IOException {
        try {
            records(file, input, delimiter);
        } catch (Chunk.Refusal | DataException r) {
            // bytes that are not UTF-8 end the input early, so a truncated row may be refused first: name the real cause
            if (input.badUtf8Line > 0) throw Chunk.utf8(input.badUtf8Line);
            throw r;
        }
        if (input.badUtf8Line > 0) throw Chunk.utf8(input.badUtf8Line);
    }

    private void records(String file, RangeInput input, char delimiter) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        // the last data line met, for a decoding failure the byte check missed; the header is line 1 when read here
        long line = header == null ? 1 : 0;
        try (var reader = CsvReader.builder().fieldSeparator(delimiter).extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .ofCsvRecord(new InputStreamReader(input, decoder))) {
            Iterator<CsvRecord> it = reader.iterator();
            if (header == null) {
                if (!it.hasNext()) throw new DataException(file + ": is empty; expected a header row naming the columns");
                start(TableHeader.names(file, it.next().getFields()));
            }
            int width = header.size();
            while (it.hasNext()) {
                CsvRecord r = it.next();
                line = r.getStartingLineNumber();
                if (r.getFieldCount() != width) {
                    throw new Chunk.Refusal(line, null, "expected " + width + " fields (as the header has), got " + r.getFieldCount());
                }
                for (int j = 0; j < width; j++) tallies[j].add(r.getField(j).trim());
                String l = r.getField(label).trim();
                if (!l.isEmpty()) labels.addText(l);
                rows++;
                // stopping early matters: an id column makes every range after the first overflow within its first
                // ~10,000 rows, and the pass must then be redone in one thread. Every 4096 rows, as the check walks
                // every column.
                if ((rows & 4095) == 0 && (doomed.get() || inexact())) {
                    doomed.set(true);
                    return;
                }
            }
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            // malformed quoting: FastCSV's own exception would escape as a stack trace
            throw new Chunk.Refusal(Chunk.csvLine(e, line + 1), null, Chunk.csvProblem(e));
        } catch (UncheckedIOException e) {
            if (!Chunk.isCoding(e)) throw e;
            throw new Chunk.Refusal(line + 1, null, "not valid UTF-8 (at or near this line); save the file as UTF-8");
        }
    }

    /**
     * Whether counts the report would show are already short: a column with texts whose numbers were skipped, or, in
     * a range after the first, whose counts overflowed (see {@link ValueCounts#addAll}).
     */
    boolean inexact() {
        if (labels.inexact || !first && labels.overflow) return true;
        for (int j = 0; j < tallies.length; j++) {
            ColumnTally t = tallies[j];
            // a numeric column shows no counts; the label's overflow is refused whatever the counts
            if (j != label && !t.numeric() && (t.values.inexact || !first && t.values.overflow)) return true;
        }
        return false;
    }

    /** Adds the tallies of the range after this one. */
    void addAll(RangeInspection later) {
        for (int j = 0; j < tallies.length; j++) tallies[j].addAll(later.tallies[j]);
        labels.addAll(later.labels);
        rows += later.rows;
    }
}
