package io.distill4j.data.user.table;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.distill4j.data.DataException;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The one text pass over a table file: header, then every row into binary spill files. A file without quotes (and
 * without lone carriage returns) before its last split point is cut at line feeds into one byte range per thread,
 * parsed in parallel and kept in order; otherwise one thread parses it all. Both paths give the same cells and lines.
 */
final class TableParser {
    /** Ranges smaller than this are not worth a thread. */
    static final long DEFAULT_MIN_RANGE = 8L << 20;

    /** Where this file's columns are: its header, the feature columns' positions, the label's (-1 if absent). */
    record Layout(List<String> header, int[] features, int label) {
        List<String> featureNames() {
            return java.util.Arrays.stream(features).mapToObj(header::get).toList();
        }
    }

    /** The parsed file: its chunks in file order (their spill files are the caller's to delete). */
    record Parsed(String file, Layout layout, List<Chunk> chunks) {
        long rows() {
            return chunks.stream().mapToLong(c -> c.rows).sum();
        }
    }

    private final char delimiter;
    private final boolean missingIsError;
    private final Path tmpDir;
    private final int threads;
    private final long minRange;

    TableParser(char delimiter, boolean missingIsError, Path tmpDir, int threads, long minRange) {
        this.delimiter = delimiter;
        this.missingIsError = missingIsError;
        this.tmpDir = tmpDir;
        this.threads = Math.max(1, threads);
        this.minRange = minRange;
    }

    /**
     * Parses {@code file}. {@code layoutOf} turns the header into the layout (and refuses missing columns).
     * Spill files created are added to {@code spills} as they are made, so the caller deletes them even on failure.
     */
    Parsed parse(Path file, Function<List<String>, Layout> layoutOf, List<Path> spills) throws IOException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            HeaderLine head = headerLine(ch, size, delimiter);
            if (head != null && threads > 1 && (size - head.end) / 2 >= minRange) {
                Parsed p = parallel(file, ch, size, head, layoutOf, spills);
                if (p != null) return p;
            }
            return sequential(file, ch, size, layoutOf, spills);
        } catch (Chunk.Refusal r) {
            throw r.at(name, 0);
        }
    }

    private Parsed sequential(Path file, FileChannel ch, long size, Function<List<String>, Layout> layoutOf, List<Path> spills) throws IOException {
        List<String> header = readHeader(file, new RangeInput(ch, 0, size, false));
        Layout layout = layoutOf.apply(header);
        Chunk chunk = new Chunk(newSpill(spills), layout);
        chunk.parse(new RangeInput(ch, 0, size, false), delimiter, true, missingIsError);
        return checked(file, new Parsed(file.toString(), layout, List.of(chunk)));
    }

    private Parsed parallel(Path file, FileChannel ch, long size, HeaderLine head, Function<List<String>, Layout> layoutOf,
                            List<Path> spills) throws IOException {
        Layout layout = layoutOf.apply(TableHeader.names(file.toString(), head.fields));
        List<Long> cuts = Ranges.cuts(ch, head.end, size, threads, minRange);
        List<Chunk> chunks = new ArrayList<>();
        List<RangeInput> inputs = new ArrayList<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int k = 0; k + 1 < cuts.size(); k++) {
            Chunk c = new Chunk(newSpill(spills), layout);
            // the last range may hold quotes: nothing after it depends on where its lines start
            RangeInput in = new RangeInput(ch, cuts.get(k), cuts.get(k + 1), k + 2 < cuts.size());
            chunks.add(c);
            inputs.add(in);
            tasks.add(() -> {
                c.parse(in, delimiter, false, missingIsError);
                return null;
            });
        }
        List<Throwable> failures = Ranges.runAll(tasks, file.toString());
        if (inputs.stream().anyMatch(i -> i.unsafe)) return null;   // a quote or lone CR: parse in one thread
        long offset = 1;   // the header line
        for (int k = 0; k < chunks.size(); k++) {
            chunks.get(k).lineOffset = offset;
            Throwable t = failures.get(k);
            if (t instanceof Chunk.Refusal r) throw r.at(file.toString(), offset);
            Ranges.rethrow(t);
            offset += inputs.get(k).lineFeeds;
        }
        return checked(file, new Parsed(file.toString(), layout, chunks));
    }

    private static Parsed checked(Path file, Parsed p) {
        if (p.rows() == 0) throw new DataException(file + ":1: has a header but no rows; expected at least one data row after it");
        return p;
    }

    private Path newSpill(List<Path> spills) throws IOException {
        Path p = Files.createTempFile(tmpDir, "distill4j-table-", ".spill");
        spills.add(p);
        return p;
    }

    /** The first line's bytes when it holds no quote (so the parallel path may read it alone), else null. */
    record HeaderLine(long end, List<String> fields) {
    }

    static HeaderLine headerLine(FileChannel ch, long size, char delimiter) throws IOException {
        if (size == 0) return null;
        ByteBuffer bb = ByteBuffer.allocate((int) Math.min(size, 1 << 20));
        ch.read(bb, 0);
        byte[] b = bb.array();
        int lf = -1;
        for (int i = 0; i < bb.position(); i++) {
            if (b[i] == '"' || b[i] == '\r' && i + 1 < bb.position() && b[i + 1] != '\n') return null;
            if (b[i] == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) return null;
        int start = lf >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF ? 3 : 0;
        int stop = lf > start && b[lf - 1] == '\r' ? lf - 1 : lf;
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, start, stop - start)).toString();
        } catch (CharacterCodingException e) {
            return null;   // the one-thread path reports it with its line
        }
        if (line.isBlank()) return null;
        return new HeaderLine(lf + 1, CsvReader.builder().fieldSeparator(delimiter).ofSingleCsvRecord(line).getFields());
    }

    /** The first record's fields, by the same parser as the rows. */
    private List<String> readHeader(Path file, RangeInput in) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        try (var reader = CsvReader.builder().fieldSeparator(delimiter).ofCsvRecord(new InputStreamReader(in, decoder))) {
            var it = reader.iterator();
            boolean any = it.hasNext();
            if (in.badUtf8Line == 1) throw Chunk.utf8(1).at(file.toString(), 0);
            if (!any) throw new DataException(file + ": is empty; expected a header row naming the columns");
            CsvRecord r = it.next();
            if (r.getStartingLineNumber() != 1) {
                throw new DataException(file + ":" + r.getStartingLineNumber() + ": expected the header row on line 1, found empty lines before it");
            }
            return TableHeader.names(file.toString(), r.getFields());
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            if (in.badUtf8Line > 0) throw Chunk.utf8(in.badUtf8Line).at(file.toString(), 0);
            throw new DataException(file + ":" + Chunk.csvLine(e, 1) + ": " + Chunk.csvProblem(e));
        } catch (UncheckedIOException | IOException e) {
            throw new DataException(file + ":1: not valid UTF-8 (or unreadable: " + e.getMessage() + "); save the file as UTF-8");
        }
    }

}
