package io.distill4j.data.user.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.distill4j.data.DataException;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.InputShape;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A table's fitted preprocessing (kind {@code table}): the feature columns in row order, each numeric (mean, std)
 * or categorical (categories), and the missing/unseen policies. {@link #read} turns a CSV's rows into the floats
 * preparation wrote, through the same {@link TableColumn#write}.
 */
public final class TablePreprocessor implements Preprocessor {
    static final String KIND = "table";

    private final List<String> classes;
    private final String label;
    private final char delimiter;
    private final String missing;
    private final String unseen;
    private final List<TableColumn> columns;
    private final int width;

    TablePreprocessor(List<String> classes, String label, char delimiter, String missing, String unseen, List<TableColumn> columns) {
        this.classes = List.copyOf(classes);
        this.label = label;
        this.delimiter = delimiter;
        this.missing = missing;
        this.unseen = unseen;
        this.columns = List.copyOf(columns);
        this.width = this.columns.stream().mapToInt(TableColumn::width).sum();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public InputShape shape() {
        return new InputShape(1, width, 1, 0);
    }

    List<TableColumn> columns() {
        return columns;
    }

    boolean missingMean() {
        return "mean".equals(missing);
    }

    boolean unseenZeros() {
        return "zeros".equals(unseen);
    }

    @Override
    public Map<String, byte[]> entries() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("version", FORMAT_VERSION);
        o.put("kind", KIND);
        classes.forEach(o.putArray("classes")::add);
        o.put("label", label);
        o.put("delimiter", String.valueOf(delimiter));
        o.put("missing", missing);
        o.put("unseen", unseen);
        ArrayNode cols = o.putArray("columns");
        for (TableColumn c : columns) {
            ObjectNode n = cols.addObject();
            n.put("name", c.name);
            n.put("type", c.numeric ? "numeric" : "categorical");
            if (c.numeric) {
                n.put("mean", c.mean);
                n.put("std", c.std);
            } else {
                c.categories.forEach(n.putArray("categories")::add);
            }
        }
        try {
            return Map.of(ENTRY, m.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@link io.distill4j.data.user.Preprocessors} reader of kind {@code table}; refuses malformed fields. */
    public static TablePreprocessor read(JsonNode json, Map<String, byte[]> entries, String source) {
        String where = source + ": entry " + ENTRY;
        List<String> classes = strings(json.get("classes"), where + " field classes");
        if (classes.isEmpty()) throw new DataException(where + ": field classes must be a non-empty array of strings");
        String label = text(json, "label", where);
        String delim = text(json, "delimiter", where);
        if (delim.length() != 1) throw new DataException(where + ": field delimiter must be one character, got '" + delim + "'");
        String missing = text(json, "missing", where);
        if (!List.of("error", "mean", "zero").contains(missing)) throw new DataException(where + ": field missing must be error, mean or zero, got '" + missing + "'");
        String unseen = text(json, "unseen", where);
        if (!List.of("error", "zeros").contains(unseen)) throw new DataException(where + ": field unseen must be error or zeros, got '" + unseen + "'");
        JsonNode cols = json.get("columns");
        if (cols == null || !cols.isArray() || cols.isEmpty()) throw new DataException(where + ": field columns must be a non-empty array");
        List<TableColumn> columns = new ArrayList<>();
        for (JsonNode c : cols) {
            if (!c.isObject()) throw new DataException(where + ": each of columns must be an object, got " + c);
            String name = text(c, "name", where + " column");
            String type = text(c, "type", where + " column '" + name + "'");
            switch (type) {
                case "numeric" -> {
                    double mean = number(c, "mean", where + " column '" + name + "'");
                    double std = number(c, "std", where + " column '" + name + "'");
                    if (!(std > 0)) throw new DataException(where + " column '" + name + "': std must be > 0, got " + std);
                    columns.add(TableColumn.numeric(name, mean, std));
                }
                case "categorical" -> columns.add(TableColumn.categorical(name,
                        strings(c.get("categories"), where + " column '" + name + "' field categories")));
                default -> throw new DataException(where + " column '" + name + "': type must be numeric or categorical, got '" + type + "'");
            }
        }
        return new TablePreprocessor(classes, label, delim.charAt(0), missing, unseen, columns);
    }

    private static String text(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) throw new DataException(where + ": field " + field + " must be a string, got " + n);
        return n.asText();
    }

    private static double number(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) throw new DataException(where + ": field " + field + " must be a finite number, got " + n);
        return n.asDouble();
    }

    private static List<String> strings(JsonNode n, String where) {
        if (n == null || !n.isArray()) throw new DataException(where + " must be an array of strings, got " + n);
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) {
            if (!s.isTextual()) throw new DataException(where + " must hold only strings, got " + s);
            out.add(s.asText());
        }
        return out;
    }

    /**
     * Reads a CSV (this preprocessing's delimiter) whose header holds at least the feature columns; the label column
     * is optional. Each row becomes a {@link RawExample} with id {@code file:line}.
     */
    @Override
    public void read(Path input, Consumer<RawExample> out) {
        String file = input.toString();
        String shortName = input.getFileName() == null ? file : input.getFileName().toString();
        try (FileChannel ch = FileChannel.open(input, StandardOpenOption.READ)) {
            RangeInput in = new RangeInput(ch, 0, Long.MAX_VALUE, false);
            try {
                rows(file, shortName, in, out);
            } catch (DataException e) {
                // bytes that are not UTF-8 end the input early, so a truncated row may be refused first: name the real cause
                if (in.badUtf8Line > 0) throw Chunk.utf8(in.badUtf8Line).at(file, 0);
                throw e;
            }
            if (in.badUtf8Line > 0) throw Chunk.utf8(in.badUtf8Line).at(file, 0);
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private void rows(String file, String shortName, RangeInput in, Consumer<RawExample> out) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 0;
        try (var reader = CsvReader.builder().fieldSeparator(delimiter).extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .ofCsvRecord(new InputStreamReader(in, decoder))) {
            Iterator<CsvRecord> it = reader.iterator();
            if (!it.hasNext()) throw new DataException(file + ": is empty; expected a header row naming the columns");
            List<String> header = TableHeader.names(file, it.next().getFields());
            line = 1;
            int[] pos = new int[columns.size()];
            for (int j = 0; j < pos.length; j++) pos[j] = TableHeader.position(file, header, columns.get(j).name, "the model's preprocessing");
            int labelPos = header.indexOf(label);
            while (it.hasNext()) {
                CsvRecord r = it.next();
                line = r.getStartingLineNumber();
                if (r.getFieldCount() != header.size()) {
                    throw new DataException(file + ":" + line + ": expected " + header.size() + " fields (as the header has), got " + r.getFieldCount());
                }
                float[] row = new float[width];
                int off = 0;
                for (int j = 0; j < pos.length; j++) {
                    off += cell(file, line, pos[j], columns.get(j), r.getField(pos[j]).trim(), row, off);
                }
                String l = labelPos < 0 ? null : r.getField(labelPos).trim();
                out.accept(new RawExample(shortName + ":" + line, row, l == null || l.isEmpty() ? null : l));
            }
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            throw new DataException(file + ":" + Chunk.csvLine(e, line + 1) + ": " + Chunk.csvProblem(e));
        } catch (UncheckedIOException | CharacterCodingException e) {
            if (!Chunk.isCoding(e)) throw e;
            throw new DataException(file + ":" + (line + 1) + ": not valid UTF-8 (at or near this line); save the file as UTF-8");
        }
    }

    /** One text cell to its column's floats at {@code off}; returns the width written. */
    private int cell(String file, long line, int position, TableColumn c, String t, float[] row, int off) {
        long cell = Cells.of(t);
        if (cell == Cells.MISSING && "error".equals(missing)) {
            throw new DataException(file + ":" + line + ":" + (position + 1) + ": missing value '" + t
                    + "' in column '" + c.name + "' (the model was trained with data.missing error)");
        }
        String text = Cells.isText(cell) ? t : null;
        writeCell(file, line, position, c, cell, text == null ? -1 : c.category(text), text, missingMean(), unseenZeros(), row, off);
        return c.width();
    }

    /**
     * The one way a cell becomes floats, for preparation (cells from the spill) and prediction (cells from text)
     * alike: refuses text in a numeric column and (unless {@code unseenZeros}) a category training did not see, then
     * {@link TableColumn#write}s. {@code textCategory} and {@code text} matter for a text cell only: its category
     * (found by the caller: a dictionary code's, or the text's own) and its text for messages.
     */
    static void writeCell(String file, long line, int position, TableColumn c, long cell, int textCategory, String text,
                          boolean missingMean, boolean unseenZeros, float[] row, int off) {
        boolean isText = Cells.isText(cell);
        int category = -1;
        if (c.numeric) {
            if (isText) throw nonNumber(file, line, position, c, text);
        } else {
            category = isText ? textCategory : c.category(cell);
            if (category < 0 && !unseenZeros) throw unseen(file, line, position, c, isText ? text : key(cell));
        }
        c.write(cell, category, missingMean, row, off);
        if (c.numeric && !Float.isFinite(row[off])) {
            throw new DataException(file + ":" + line + ":" + (position + 1) + ": " + (Cells.isNumber(cell) ? "number " + Cells.numberKey(Double.longBitsToDouble(cell)) : "missing value (filled with 0)")
                    + " in column '" + c.name + "' is out of range: standardised with the training mean " + c.mean + " and std " + c.std
                    + " it is beyond a float's range (about 3.4e38)");
        }
    }

    static String key(long cell) {
        return cell == Cells.MISSING ? Cells.MISSING_CATEGORY : Cells.numberKey(Double.longBitsToDouble(cell));
    }

    static DataException nonNumber(String file, long line, int position, TableColumn c, String text) {
        return new DataException(file + ":" + line + ":" + (position + 1) + ": expected a number in column '" + c.name
                + "' (numeric in the training rows), got '" + text + "'");
    }

    static DataException unseen(String file, long line, int position, TableColumn c, String value) {
        return new DataException(file + ":" + line + ":" + (position + 1) + ": category '" + value + "' of column '" + c.name
                + "' was not seen in the training rows; known: " + c.knownCategories(10) + " (data.unseen zeros encodes it as all zeros)");
    }
}
