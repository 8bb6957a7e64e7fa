package io.distill4j.data.user.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.distill4j.data.DataException;
import io.distill4j.data.text.WordTokenizer;
import io.distill4j.data.text.WordVocabulary;
import io.distill4j.data.user.ClassNames;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.InputShape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Says what a text file or folder holds, for {@code distill4j new --data}: the layout (by extension, or a folder of
 * class folders), the text and label fields when they are not called {@code text} and {@code label}, the classes and
 * their counts, and text lengths in words, from which it suggests {@code maxLength} and {@code vocabSize}.
 */
final class TextInspector {
    /** A longer input rarely pays for its cost in a small student. */
    static final int MAX_SUGGESTED_LENGTH = 256;
    static final int MAX_SUGGESTED_VOCABULARY = 20_000;

    private TextInspector() {
    }

    static Inspection inspect(Path path) throws IOException {
        try {
            return inspect(path, false);
        } catch (DataException e) {
            if (!e.getMessage().contains("invalid UTF-8")) throw e;
            // e-mail and old corpora often hold a few Latin-1 bytes: say so, and suggest reading them as U+FFFD
            Inspection i = inspect(path, true);
            List<String> details = new ArrayList<>(i.details());
            details.add("not all UTF-8 (first: " + e.getMessage() + "): malformedText: replace reads such bytes as U+FFFD");
            Map<String, Object> keys = new LinkedHashMap<>(i.dataKeys());
            keys.put("malformedText", "replace");
            return new Inspection(i.format(), i.examples(), i.classCounts(), i.shape(), details, keys);
        }
    }

    private static Inspection inspect(Path path, boolean replace) throws IOException {
        List<TextRecord> records = new ArrayList<>();
        String format;
        String text = null;
        String label = null;
        if (Files.isDirectory(path)) {
            format = TextFormat.FOLDERS;
            TextSources.classFolders(path, replace, records::add);
        } else {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                format = TextFormat.JSONL;
                String[] fields = jsonFields(path);
                text = fields[0];
                label = fields[1];
                TextSources.jsonl(path, text, label, true, replace, records::add);
            } else if (name.endsWith(".csv")) {
                format = TextFormat.CSV;
                String[] columns = csvColumns(path);
                text = columns[0];
                label = columns[1];
                TextSources.csv(path, text, label, true, replace, records::add);
            } else {
                throw new DataException(path + ": cannot tell the text layout; expected a .jsonl or .csv file or a folder of class folders of .txt files");
            }
        }
        if (records.isEmpty()) throw new DataException(path + ": holds no examples");

        List<String> labels = records.stream().map(TextRecord::label).toList();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String c : ClassNames.of(labels)) counts.put(c, 0L);
        for (String l : labels) counts.merge(l, 1L, Long::sum);

        int[] lengths = new int[records.size()];
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < lengths.length; i++) {
            int[] n = {0};
            WordTokenizer.forEachToken(records.get(i).text(), w -> {
                n[0]++;
                distinct.add(w);
            });
            lengths[i] = n[0];
        }
        Arrays.sort(lengths);
        int p95 = percentile(lengths, 0.95);
        int maxLength = Math.min(MAX_SUGGESTED_LENGTH, p95 + 1);   // + 1: the leading CLS
        // every distinct word gets an id when that fits (the specials come first), else the most frequent
        int vocabSize = (int) Math.max(WordVocabulary.SPECIALS + 1, Math.min((long) distinct.size() + WordVocabulary.SPECIALS, MAX_SUGGESTED_VOCABULARY));

        List<String> details = new ArrayList<>();
        if (text != null) details.add("text field \"" + text + "\", label field \"" + label + "\"");
        details.add("words per text: min " + lengths[0] + ", median " + percentile(lengths, 0.5) + ", 95th percentile " + p95
                + ", max " + lengths[lengths.length - 1]);
        details.add("distinct words: " + distinct.size());
        Map<String, Object> keys = new LinkedHashMap<>();
        if (text != null) {
            keys.put("text", text);
            keys.put("label", label);
        }
        keys.put("maxLength", maxLength);
        keys.put("vocabSize", vocabSize);
        return new Inspection(format, records.size(), counts, InputShape.text(maxLength, vocabSize), details, keys);
    }

    /** The value at quantile {@code q} of sorted {@code a}, by nearest rank. */
    static int percentile(int[] a, double q) {
        int rank = (int) Math.ceil(q * a.length);
        return a[Math.max(0, Math.min(a.length - 1, rank - 1))];
    }

    /** {text, label} fields of the first line: "text" and "label" when present, else the longest string and another field. */
    private static String[] jsonFields(Path file) throws IOException {
        // the first non-blank line only, leniently: the strict read of the whole file follows
        JsonNode[] first = {null};
        TextSources.requireFile(file, "a JSON Lines file");
        // an InputStreamReader replaces bytes that are not UTF-8 (Files.newBufferedReader would throw without a position)
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while (first[0] == null && (line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                try {
                    first[0] = new ObjectMapper().readTree(line);
                } catch (IOException e) {
                    throw new DataException(file + ":" + number + ": not valid JSON (" + TextSources.firstLine(e.getMessage()) + ")");
                }
            }
        }
        if (first[0] == null || !first[0].isObject()) throw new DataException(file + ": expected JSON objects, one a line");
        List<String> names = new ArrayList<>();
        first[0].fieldNames().forEachRemaining(names::add);
        Map<String, Integer> lengths = new HashMap<>();
        for (String n : names) if (first[0].get(n).isTextual()) lengths.put(n, first[0].get(n).textValue().length());
        return guess(names, lengths, file);
    }

    private static String[] csvColumns(Path file) throws IOException {
        String content = Utf8Text.decode(TextSources.readAll(file), false, file.toString());
        Map<String, Integer> lengths = new HashMap<>();
        List<String> header = List.of();
        try (CsvReader<NamedCsvRecord> reader = CsvReader.builder().ofNamedCsvRecord(content)) {
            for (NamedCsvRecord r : reader) {
                header = r.getHeader();
                if (r.getFieldCount() < header.size()) {
                    throw new DataException(file + ":" + r.getStartingLineNumber() + ": expected " + header.size()
                            + " fields (as the header has), got " + r.getFieldCount());
                }
                for (String c : header) lengths.merge(c, r.getField(c).length(), Integer::sum);
            }
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            throw new DataException(file + ": not valid CSV (" + TextSources.firstLine(e.getMessage()) + ")");
        }
        if (header.isEmpty()) throw new DataException(file + ": empty; expected a header line and records");
        return guess(header, lengths, file);
    }

    private static String[] guess(List<String> names, Map<String, Integer> lengths, Path file) {
        String text = names.contains("text") ? "text"
                : lengths.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        if (text == null) throw new DataException(file + ": no text field found (no field holds a string)");
        String label = names.contains("label") ? "label" : names.stream().filter(n -> !n.equals(text)).findFirst()
                .orElseThrow(() -> new DataException(file + ": only the field \"" + text + "\"; expected a label field too"));
        return new String[]{text, label};
    }
}
