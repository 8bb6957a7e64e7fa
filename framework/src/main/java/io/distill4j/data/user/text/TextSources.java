package io.distill4j.data.user.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import io.distill4j.data.DataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads labelled texts from the three layouts: JSON Lines, CSV with a header, and folders of .txt files. Every
 * problem is a one-line {@link DataException} naming the file and line (or the file, for a .txt file), since a user
 * fixing a 100,000-line file needs to know where to look.
 */
final class TextSources {
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private TextSources() {
    }

    /**
     * Every non-blank line of {@code file}, a JSON object with the text in {@code textField} and the label in
     * {@code labelField} (a string or a number, taken as its text). Without {@code labelRequired} a missing label
     * field gives a null label (prediction input). Read one line at a time.
     */
    static void jsonl(Path file, String textField, String labelField, boolean labelRequired, boolean replace,
                      Consumer<TextRecord> out) {
        requireFile(file, "a JSON Lines file");
        forEachLine(file, replace, (line, content) -> {
            if (content.isBlank()) return;   // a trailing empty line is common and harmless
            String where = file + ":" + line;
            JsonNode node;
            try {
                node = JSON.readTree(content);
            } catch (JsonProcessingException e) {
                throw new DataException(where + ": not valid JSON (" + firstLine(e.getOriginalMessage()) + "); each line must be one JSON object");
            }
            if (node == null || !node.isObject()) {
                throw new DataException(where + ": expected a JSON object {\"" + textField + "\": ..., \"" + labelField + "\": ...}, found "
                        + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
            }
            JsonNode text = node.get(textField);
            if (text == null) {
                throw new DataException(where + ": no \"" + textField + "\" field (data.text names the text field; this line has "
                        + fieldNames(node) + ")");
            }
            if (!text.isTextual()) throw new DataException(where + ": \"" + textField + "\" is " + text.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + ", expected a string");
            JsonNode label = node.get(labelField);
            String labelText = null;
            if (label == null) {
                if (labelRequired) {
                    throw new DataException(where + ": no \"" + labelField + "\" field (data.label names the label field; this line has "
                            + fieldNames(node) + ")");
                }
            } else {
                if (!label.isTextual() && !label.isNumber()) {
                    throw new DataException(where + ": \"" + labelField + "\" is " + label.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                            + ", expected a class name (a string or a number)");
                }
                labelText = label.asText();
                if (labelText.isEmpty()) throw new DataException(where + ": \"" + labelField + "\" is empty, expected a class name");
            }
            out.accept(new TextRecord(where, text.textValue(), labelText));
        });
    }

    /**
     * The records of {@code file}, a CSV file with a header naming {@code textColumn} and {@code labelColumn}; quoted
     * fields may span lines. Decoded whole first, so that a byte that is not UTF-8 is reported with its line.
     */
    static void csv(Path file, String textColumn, String labelColumn, boolean labelRequired, boolean replace,
                    Consumer<TextRecord> out) {
        requireFile(file, "a CSV file");
        String content = Utf8Text.decode(readAll(file), replace, file.toString());
        // field counts are checked here, so that the message names the line (FastCSV's names the record)
        try (CsvReader<NamedCsvRecord> reader = CsvReader.builder().allowMissingFields(true).allowExtraFields(true)
                .ofNamedCsvRecord(content)) {
            boolean first = true;
            for (NamedCsvRecord r : reader) {
                List<String> header = r.getHeader();
                if (first) {
                    if (!header.contains(textColumn)) {
                        throw new DataException(file + ":1: no column \"" + textColumn + "\" (data.text names the text column; the header has " + header + ")");
                    }
                    if (labelRequired && !header.contains(labelColumn)) {
                        throw new DataException(file + ":1: no column \"" + labelColumn + "\" (data.label names the label column; the header has " + header + ")");
                    }
                    first = false;
                }
                String where = file + ":" + r.getStartingLineNumber();
                if (r.getFieldCount() != header.size()) {
                    throw new DataException(where + ": " + r.getFieldCount() + " field(s), but the header has " + header.size()
                            + " (a text holding the separator or a line break must be quoted: \"...\")");
                }
                String label = header.contains(labelColumn) ? r.getField(labelColumn) : null;
                if (label != null && label.isEmpty()) throw new DataException(where + ": the \"" + labelColumn + "\" cell is empty, expected a class name");
                out.accept(new TextRecord(where, r.getField(textColumn), label));
            }
            if (first) throw new DataException(file + ": empty; expected a header line naming the columns \"" + textColumn + "\" and \"" + labelColumn + "\"");
        } catch (CsvParseException e) {
            throw new DataException(file + ": not valid CSV (" + firstLine(e.getMessage()) + (e.getCause() == null ? "" : ": " + firstLine(e.getCause().getMessage())) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One sub-folder per class of .txt files (the aclImdb layout, {@code train/pos/*.txt}): the label is the folder's
     * name. Folders and files are taken sorted by name and dot-files skipped, so the order never depends on the file
     * system; loose files beside the class folders are not examples (aclImdb keeps URL lists there).
     */
    static void classFolders(Path root, boolean replace, Consumer<TextRecord> out) {
        List<Path> classes = classFoldersOf(root);
        if (classes.isEmpty()) {
            throw new DataException(root + ": no class folders; expected one sub-folder of .txt files per class (e.g. " + root + "/pos/1.txt)");
        }
        for (Path c : classes) {
            List<Path> files = txtFiles(c);
            if (files.isEmpty()) throw new DataException(c + ": class folder holds no .txt files");
            String label = c.getFileName().toString();
            for (Path f : files) out.accept(new TextRecord(relative(root, f), readText(f, replace), label));
        }
    }

    /** The .txt files directly in {@code folder}, sorted, each one unlabelled text. */
    static void txtFolder(Path folder, boolean replace, Consumer<TextRecord> out) {
        List<Path> files = txtFiles(folder);
        if (files.isEmpty()) throw new DataException(folder + ": holds no .txt files and no class folders of them");
        for (Path f : files) out.accept(new TextRecord(relative(folder, f), readText(f, replace), null));
    }

    /** A single .txt file: one unlabelled text. */
    static TextRecord txtFile(Path file, boolean replace) {
        requireFile(file, "a .txt file");
        return new TextRecord(file.getFileName().toString(), readText(file, replace), null);
    }

    /** The visible sub-folders of {@code root}, sorted by name. */
    static List<Path> classFoldersOf(Path root) {
        return list(root).filter(Files::isDirectory).toList();
    }

    /** The visible .txt files directly in {@code folder}, sorted by name. */
    static List<Path> txtFiles(Path folder) {
        return list(folder).filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".txt")).toList();
    }

    private static Stream<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new DataException(folder + (Files.exists(folder) ? ": not a folder" : ": folder not found"));
        }
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> all = new ArrayList<>(s.filter(p -> !p.getFileName().toString().startsWith(".")).toList());
            all.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
            return all.stream();
        } catch (IOException e) {
            throw new DataException(folder + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static String readText(Path file, boolean replace) {
        return Utf8Text.decode(readAll(file), replace, file.toString());
    }

    static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static void requireFile(Path file, String what) {
        if (Files.isDirectory(file)) throw new DataException(file + ": is a folder, expected " + what);
        if (!Files.isRegularFile(file)) throw new DataException(file + ": file not found (expected " + what + ")");
    }

    /** A line's number (from 1) and its text, decoded strictly. */
    @FunctionalInterface
    interface LineSink {
        void accept(long line, String content);
    }

    /** Streams {@code file} a line at a time ({@code \n} or {@code \r\n}), decoding each line on its own. */
    static void forEachLine(Path file, boolean replace, LineSink sink) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[1 << 16];
            byte[] buf = new byte[4096];   // the current line's bytes
            int n = 0;
            long line = 1;
            long offset = 0;   // of the line's first byte in the file
            int read;
            while ((read = in.read(chunk)) > 0) {
                int from = 0;
                for (int i = 0; i < read; i++) {
                    if (chunk[i] != '\n') continue;
                    buf = append(buf, n, chunk, from, i);
                    n += i - from;
                    int end = n > 0 && buf[n - 1] == '\r' ? n - 1 : n;
                    sink.accept(line, Utf8Text.decode(buf, 0, end, replace, file.toString(), line, offset));
                    offset += n + 1;
                    line++;
                    n = 0;
                    from = i + 1;
                }
                buf = append(buf, n, chunk, from, read);
                n += read - from;
            }
            if (n > 0) sink.accept(line, Utf8Text.decode(buf, 0, n, replace, file.toString(), line, offset));
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** {@code buf} (holding {@code n} bytes) with {@code src[from, to)} after them, grown when needed. */
    private static byte[] append(byte[] buf, int n, byte[] src, int from, int to) {
        int len = to - from;
        if (n + len > buf.length) buf = Arrays.copyOf(buf, Math.max(2 * buf.length, n + len));
        System.arraycopy(src, from, buf, n, len);
        return buf;
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "no fields" : "fields " + names;
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
