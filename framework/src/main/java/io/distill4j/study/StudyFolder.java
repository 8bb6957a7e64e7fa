package io.distill4j.study;

import io.distill4j.run.RunDirectory;
import io.distill4j.report.ReportException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The layout of a study folder: {@code study.json}, {@code study-config.yaml} (the resolved config before the seed
 * override), one ordinary run folder {@code seed-N/} per seed, and the aggregate {@code study-report.json/.md}.
 * It deliberately has no {@code config.yaml}, so no command mistakes a study for a run.
 */
public final class StudyFolder {
    public static final String DEFINITION = "study.json";
    private static final Pattern SEED_DIR = Pattern.compile("seed-\\d+");
    private final Path root;
    private final RunDirectory files;

    public StudyFolder(Path root) {
        this.root = root;
        this.files = RunDirectory.open(root);
    }

    /** True for a folder with study.json, or one that holds seed-N/ run folders and is no run itself (a damaged study). */
    public static boolean isStudy(Path dir) {
        if (Files.isRegularFile(dir.resolve(DEFINITION))) return true;
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve("config.yaml"))) return false;
        try (var children = Files.list(dir)) {
            return children.anyMatch(c -> Files.isDirectory(c) && SEED_DIR.matcher(c.getFileName().toString()).matches());
        } catch (IOException e) {
            return false;
        }
    }

    public Path root() {
        return root;
    }

    public Path definitionFile() {
        return root.resolve(DEFINITION);
    }

    public Path configFile() {
        return root.resolve("study-config.yaml");
    }

    public Path seedDir(long seed) {
        return root.resolve("seed-" + seed);
    }

    public Path reportJson() {
        return root.resolve("study-report.json");
    }

    public Path reportMarkdown() {
        return root.resolve("study-report.md");
    }

    public void writeDefinition(StudyDefinition definition) {
        files.writeJson(definitionFile(), definition);
    }

    public void writeText(Path file, String text) {
        files.writeText(file, text);
    }

    public void writeJson(Path file, Object value) {
        files.writeJson(file, value);
    }

    /** The study's definition; a missing, unreadable or malformed study.json is a {@link ReportException} (exit 8) in one line. */
    public StudyDefinition definition() {
        Path file = definitionFile();
        if (!Files.isRegularFile(file)) {
            throw new ReportException(root + " is not a study folder (no " + DEFINITION + "; a study is made by distill4j train --seeds)");
        }
        return StudyDefinitionReader.read(file);
    }
}
