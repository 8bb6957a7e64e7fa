package io.distill4j.data.user.table;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.distill4j.data.DataException;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One byte range of a table parsed to its own spill file, with its own dictionaries (text values and labels get
 * codes in the order this range meets them; the caller maps them to categories and classes afterwards, so ranges
 * can be parsed in parallel). Lines are counted from the range's start; {@link #lineOffset} makes them file lines.
 */
final class Chunk {
    /** More distinct texts than this in one column is an id or free text, not a category: refused, not one-hot. */
    static final int MAX_TEXT_VALUES = 100_000;

    final Path spill;
    final TableParser.Layout layout;
    final List<List<String>> texts = new ArrayList<>();
    private final List<Map<String, Integer>> textCodes = new ArrayList<>();
    final List<String> labelNames = new ArrayList<>();
    final List<Long> labelFirstLine = new ArrayList<>();
    private final Map<String, Integer> labelCodes = new HashMap<>();
    final IntArray labels = new IntArray();
    long lineOffset;
    long rows;
    private long lastLine;

    Chunk(Path spill, TableParser.Layout layout) {
        this.spill = spill;
        this.layout = layout;
        for (int j = 0; j < layout.features().length; j++) {
            texts.add(new ArrayList<>());
            textCodes.add(new HashMap<>());
        }
    }

    /** A refusal at a line of this range, made a file line once the range's offset is known. */
    static final class Refusal extends RuntimeException {
        final long localLine;
        final String column;

        Refusal(long localLine, String column, String message) {
            super(message, null, false, false);
            this.localLine = localLine;
            this.column = column;
        }

        DataException at(String file, long offset) {
            return new DataException(file + ":" + (localLine + offset) + (column == null ? "" : ":" + column) + ": " + getMessage());
        }
    }

    /** Parses every record of {@code input} (already past the header when {@code skipHeader} is false) into the spill. */
    void parse(RangeInput input, char delimiter, boolean skipHeader, boolean missingIsError) throws IOException {
        try {
            records(input, delimiter, skipHeader, missingIsError);
        } catch (Refusal r) {
            // bytes that are not UTF-8 end the input early, so a truncated row may be refused first: name the real cause
            if (input.badUtf8Line > 0) throw utf8(input.badUtf8Line);
            throw r;
        }
        if (input.badUtf8Line > 0) throw utf8(input.badUtf8Line);
    }

    static Refusal utf8(long line) {
        return new Refusal(line, null, "not valid UTF-8; save the file as UTF-8");
    }

    private static final java.util.regex.Pattern CSV_LINE = java.util.regex.Pattern.compile("\\s*\\(record starting at line (\\d+)\\)");

    /** The line of the record FastCSV's strict parser refused (local to the range parsed), else {@code fallback}. */
    static long csvLine(de.siegmar.fastcsv.reader.CsvParseException e, long fallback) {
        java.util.regex.Matcher m = CSV_LINE.matcher(String.valueOf(e.getMessage()));
        return m.find() ? Long.parseLong(m.group(1)) : fallback;
    }

    /** What FastCSV's strict parser refused, in one line without its own line number (the caller names the line). */
    static String csvProblem(de.siegmar.fastcsv.reader.CsvParseException e) {
        String m = CSV_LINE.matcher(String.valueOf(e.getMessage())).replaceAll("").replaceAll("\\s+", " ").trim();
        return "not valid CSV (" + m + "); a quoted field must be closed by a quote followed by the delimiter or the end of the line";
    }

    /** Whether {@code t} or a cause of it is a decoding failure. */
    static boolean isCoding(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) if (c instanceof CharacterCodingException) return true;
        return false;
    }

    private void records(RangeInput input, char delimiter, boolean skipHeader, boolean missingIsError) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int[] pos = layout.features();
        int width = layout.header().size();
        long[] cells = new long[pos.length];
        try (var reader = CsvReader.builder().fieldSeparator(delimiter).extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .ofCsvRecord(new InputStreamReader(input, decoder));
             var out = new Spill.Out(spill, pos.length)) {
            boolean header = skipHeader;
            for (CsvRecord r : reader) {
                long line = r.getStartingLineNumber();
                lastLine = line;
                if (header) {
                    header = false;
                    continue;
                }
                if (r.getFieldCount() != width) {
                    throw new Refusal(line, null, "expected " + width + " fields (as the header has), got " + r.getFieldCount());
                }
                int label = -1;
                if (layout.label() >= 0) {
                    String l = r.getField(layout.label()).trim();
                    if (l.isEmpty()) throw new Refusal(line, field(layout.label()), "empty label");
                    label = labelCode(l, line);
                }
                for (int j = 0; j < pos.length; j++) {
                    String t = r.getField(pos[j]).trim();
                    long cell = Cells.of(t);
                    if (cell == Cells.MISSING && missingIsError) {
                        throw new Refusal(line, field(pos[j]), "missing value '" + t + "' in column '" + layout.header().get(pos[j])
                                + "' (data.missing is error; set it to mean or zero to fill missing values)");
                    }
                    cells[j] = Cells.isText(cell) ? Cells.text(textCode(j, t, line)) : cell;
                }
                out.row(line, label, cells);
                labels.add(label);
                rows++;
            }
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            throw new Refusal(csvLine(e, lastLine + 1), null, csvProblem(e));
        } catch (UncheckedIOException | CharacterCodingException e) {
            // the byte check above missed it (an overlong form, a surrogate): the decoder's line is approximate
            if (isCoding(e)) throw new Refusal(lastLine + 1, null, "not valid UTF-8 (at or near this line); save the file as UTF-8");
            throw e;
        }
    }

    private static String field(int position) {
        return Integer.toString(position + 1);
    }

    private int labelCode(String l, long line) {
        Integer c = labelCodes.get(l);
        if (c == null) {
            if (labelNames.size() >= MAX_TEXT_VALUES) {
                // an id or a measurement picked as the label would otherwise fill the heap with "classes"
                throw new Refusal(line, field(layout.label()), "label column '" + layout.header().get(layout.label()) + "' has more than "
                        + MAX_TEXT_VALUES + " distinct values: is it the label? Name the label column with data.label");
            }
            c = labelNames.size();
            labelCodes.put(l, c);
            labelNames.add(l);
            labelFirstLine.add(line);
        }
        return c;
    }

    private int textCode(int j, String t, long line) {
        Map<String, Integer> codes = textCodes.get(j);
        Integer c = codes.get(t);
        if (c == null) {
            if (codes.size() >= MAX_TEXT_VALUES) {
                int p = layout.features()[j];
                throw new Refusal(line, field(p), "column '" + layout.header().get(p) + "' has more than " + MAX_TEXT_VALUES
                        + " distinct text values: an id or free text, not a category; leave it out with data.drop");
            }
            c = codes.size();
            codes.put(t, c);
            texts.get(j).add(t);
        }
        return c;
    }
}
