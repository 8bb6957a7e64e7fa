package io.distill4j.cli;

import io.distill4j.config.ConfigException;
import io.distill4j.config.ConfigLoader;
import io.distill4j.data.user.Inspection;
import io.distill4j.data.user.UserFormats;
import io.distill4j.recipes.Recipes;
import io.distill4j.runtime.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code distill4j new --data PATH}: inspects a user's file or folder, says what it holds, and writes an online recipe for
 * it (teacher, assistant, a ladder of students sized for the input, twins on) that validates and trains as it stands.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Inspect your data (a CSV/TSV table, a folder of image class folders, texts as JSONL, CSV or class folders of "
                + ".txt files), say what it holds, and write a ready online-distillation config for it.")
public final class NewCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--data", required = true, paramLabel = "PATH", description = "Your training file or folder.")
    Path data;

    @CommandLine.Option(names = "--format", paramLabel = "FORMAT", description = "The data's layout, when the file name does not say: "
            + "csv, tsv, images, jsonl, text-csv or text-folders.")
    String format;

    @CommandLine.Option(names = "--out", paramLabel = "FILE", description = "Where to write the config (default: configs/<name>.yaml).")
    Path out;

    @CommandLine.Option(names = "--name", paramLabel = "NAME", description = "The run name (default: from the file or folder name).")
    String name;

    @CommandLine.Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(data)) throw new UserInputException(ExitCodes.USAGE, "--data " + data + ": no such file or folder");
        String f = format != null ? format : FormatGuess.of(data);
        if (!UserFormats.names().contains(f)) {
            throw new UserInputException(ExitCodes.USAGE, "--format " + f + ": expected one of " + UserFormats.names());
        }
        Inspection found = UserFormats.get(f).inspect(data);
        String run = name != null ? name : RecipeSketch.runName(data);
        Path file = out != null ? out : Path.of("configs", run + ".yaml");
        if (Files.exists(file) && !force) {
            throw new UserInputException(ExitCodes.USAGE, "--out " + file + " exists; choose another file or add --force");
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%s: %s, %,d examples, %d classes%n", data, found.format(), found.examples(), found.classCounts().size());
        for (Map.Entry<String, Long> e : found.classCounts().entrySet()) o.printf("  class %-20s %,d%n", ConsoleText.line(e.getKey()), e.getValue());
        o.printf("  input: %s%n", RecipeSketch.shape(found));
        for (String d : found.details()) o.printf("  %s%n", ConsoleText.line(d));
        // the config must train as it stands: it is validated (its data parsed into the cache) before it is written, and
        // a run too large for this machine's memory gets smaller batches
        Path folder = file.toAbsolutePath().normalize().getParent();
        Files.createDirectories(folder);
        // data inside the project is written relative to its root (the config then works in any clone of it)
        Path root = io.distill4j.config.ConfigPaths.projectRoot(folder.resolve(file.getFileName()));
        Path absolute = data.toAbsolutePath().normalize();
        Path written = absolute.startsWith(root) ? root.relativize(absolute) : absolute;
        String yaml = null;
        for (int batch = RecipeSketch.batch(found); yaml == null; batch /= 2) {
            String candidate = RecipeSketch.yaml(run, f, written, found, batch);
            try {
                validate(candidate, folder);
                yaml = candidate;
            } catch (io.distill4j.config.MemoryRefusal e) {
                if (batch <= 4) throw e;
            }
        }
        AtomicFiles.write(file, yaml.getBytes(StandardCharsets.UTF_8));
        o.printf("wrote %s (validated). Train it with:%n  scripts/distill4j train --config %s%n", file, file);
        o.flush();
        return ExitCodes.OK;
    }

    /** Validates {@code yaml} as a file in {@code folder}, where its relative paths mean what they will mean there. */
    private static void validate(String yaml, Path folder) throws IOException {
        Path tmp = Files.createTempFile(folder, ".distill4j-new", ".yaml");
        try {
            Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
            new ConfigLoader(Recipes.vocabulary()).load(tmp, java.util.List.of());
        } catch (io.distill4j.config.MemoryRefusal e) {
            throw e;
        } catch (ConfigException e) {
            throw new IllegalStateException("the config written does not validate (" + e.getMessage() + "): a bug", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The format a path's name and layout suggest. */
    static final class FormatGuess {
        private FormatGuess() {
        }

        static String of(Path p) throws IOException {
            if (Files.isDirectory(p)) {
                try (var files = Files.walk(p, 2)) {
                    var names = files.filter(Files::isRegularFile).map(x -> x.getFileName().toString().toLowerCase(Locale.ROOT))
                            .filter(n -> !n.startsWith(".")).limit(200).toList();
                    long images = names.stream().filter(n -> n.matches(".*\\.(png|jpe?g|bmp|gif)")).count();
                    long texts = names.stream().filter(n -> n.endsWith(".txt")).count();
                    if (images == 0 && texts == 0) {
                        throw new UserInputException(ExitCodes.DATA, p + ": no images (.png .jpg .bmp .gif) or texts (.txt) in its class "
                                + "folders; give --format, or lay it out as one sub-folder per class");
                    }
                    return images >= texts ? "images" : "text-folders";
                }
            }
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) return "jsonl";
            if (n.endsWith(".tsv") || n.endsWith(".tab")) return "tsv";
            if (n.endsWith(".csv")) return textColumn(p) ? "text-csv" : "csv";
            throw new UserInputException(ExitCodes.USAGE, p + ": cannot tell its format from its name; give --format (one of "
                    + UserFormats.names() + ")");
        }

        /** A CSV whose header names a text column, or whose rows are long prose: texts rather than a table. */
        private static boolean textColumn(Path p) throws IOException {
            try (var lines = Files.lines(p, StandardCharsets.ISO_8859_1)) {
                var first = lines.limit(50).toList();
                if (first.isEmpty()) return false;
                String header = first.get(0).toLowerCase(Locale.ROOT);
                if (java.util.Arrays.stream(header.split(",")).map(String::trim).anyMatch(h -> h.equals("text") || h.equals("\"text\""))) {
                    return true;
                }
                return first.stream().skip(1).mapToInt(String::length).average().orElse(0) > 200
                        && first.stream().skip(1).allMatch(l -> l.chars().filter(ch -> ch == ' ').count() > 20);
            }
        }
    }
}
