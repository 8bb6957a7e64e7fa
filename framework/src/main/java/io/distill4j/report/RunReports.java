package io.distill4j.report;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distill4j.run.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads, builds and writes run reports ({@code report.json}, {@code report.md}, {@code report.html}). */
public final class RunReports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Reads NaN and Infinity as numbers, so the validator can name them as the value of a field instead of a syntax error. */
    private static final ObjectReader TREE_READER = JSON.readerFor(JsonNode.class).with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);

    /** Far above any real report (every evaluation of a long run with evalEvery 1 stays below a few MiB). */
    public static final long MAX_REPORT_BYTES = 64L << 20;

    private RunReports() {
    }

    /** Writes all three renderings of {@code report} into the run folder. */
    public static void write(RunDirectory dir, RunReport report) {
        nonFinite("", JSON.valueToTree(report)).ifPresent(field -> {
            // Jackson would write "NaN", which read() refuses: what this writes, its reader must accept (round 3, D3).
            // Training and evaluation stop a diverged model first (exit 5), so reaching this is a bug
            throw new IllegalStateException(dir.reportFile() + ": " + field + " is not a finite number; a report.json "
                    + "holding it could never be read back, so it is not written");
        });
        dir.writeJson(dir.reportFile(), report);
        dir.writeText(dir.root().resolve("report.md"), ReportRenderer.markdown(report));
        dir.writeText(dir.root().resolve("report.html"), ReportRenderer.html(report));
    }

    /**
     * The finished report of a run; a clear error if it is missing, unreadable, of another schema version, or breaks
     * the schema (a field missing, of the wrong type or out of range: {@link ReportValidator}).
     */
    public static RunReport read(Path runDir) {
        requireRun(runDir);
        Path file = runDir.resolve("report.json");
        if (!Files.isRegularFile(file)) {
            throw new ReportException(runDir + " has no report.json (the run has not finished); "
                    + "draw its report from the latest evaluation with: distill4j report " + runDir);
        }
        JsonNode tree;
        try {
            // a report is a few hundred KiB even with long curves: a bigger file is not one (and must not fill the heap)
            long size = Files.size(file);
            if (size > MAX_REPORT_BYTES) {
                throw new ReportException(file + " is not a run report: " + size + " bytes, more than the " + MAX_REPORT_BYTES
                        + " a report.json can hold");
            }
            tree = TREE_READER.readValue(file.toFile());
        } catch (IOException e) {
            throw new ReportException(file + " is not readable JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        int version = requireReadableVersion(runDir, file, tree);
        ReportValidator.check(file, tree, version);
        try {
            return JSON.treeToValue(tree, RunReport.class);
        } catch (IOException e) {
            throw new ReportException(file + " does not match report schema " + RunReport.SCHEMA_VERSION + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** The schema version of the tree, one this distill4j reads (the current one, or an older one it still reads). */
    private static int requireReadableVersion(Path runDir, Path file, JsonNode tree) {
        JsonNode version = JsonFields.root(file, tree).value("schemaVersion");
        String howToRegenerate = "this distill4j reads versions " + RunReport.OLDEST_READABLE_VERSION + " to " + RunReport.SCHEMA_VERSION
                + "; regenerate it with: distill4j report " + runDir + " --from-metrics";
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            throw new ReportException(file + ": schemaVersion must be an integer, got " + JsonFields.shown(version) + "; " + howToRegenerate);
        }
        int v = version.asInt();
        if (v < RunReport.OLDEST_READABLE_VERSION || v > RunReport.SCHEMA_VERSION) {
            throw new ReportException(file + " has report schema version " + v + ", " + howToRegenerate);
        }
        return v;
    }

    /**
     * A report drawn from what the run folder holds so far: the models announced in metrics.jsonl and their
     * latest evaluation (no export sizes or inference timing, which are measured at the end).
     */
    public static RunReport fromMetrics(Path runDir) {
        requireRun(runDir);
        MetricsHistory history = MetricsHistory.read(runDir.resolve("metrics.jsonl"), Long.MAX_VALUE);
        if (history.models().isEmpty()) {
            throw new ReportException(runDir + " has no metrics yet (metrics.jsonl is missing or has no start line)");
        }
        if (history.evaluations().isEmpty()) {
            throw new ReportException(runDir + " has not been evaluated yet (first evaluation at training.evalEvery steps)");
        }
        Provenance provenance;
        try {
            provenance = JSON.readValue(runDir.resolve("provenance.json").toFile(), Provenance.class);
        } catch (IOException e) {
            throw new ReportException(runDir.resolve("provenance.json") + " is missing or unreadable");
        }
        EvaluationRecord last = history.evaluations().get(history.evaluations().size() - 1);
        long teacherParams = history.models().stream().filter(m -> m.role().equals("teacher")).mapToLong(MetricsHistory.ModelInfo::params)
                .findFirst().orElse(0);
        List<ModelSummary> models = new ArrayList<>();
        for (MetricsHistory.ModelInfo m : history.models()) {
            ModelEvaluation e = last.models().get(m.name());
            if (e == null) continue;
            models.add(new ModelSummary(m.name(), m.role(), m.family(), m.params(), m.learnsFrom(), null,
                    teacherParams == 0 ? null : (double) teacherParams / m.params(), null, null, e, m.twinOf(), null));
        }
        String status = Files.exists(runDir.resolve("report.json")) && last.step() == history.totalSteps()
                ? RunReport.COMPLETE : RunReport.IN_PROGRESS;
        String name = runDir.getFileName().toString();
        try {
            name = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(runDir.resolve("config.yaml").toFile()).path("name").asText(name);
        } catch (IOException ignored) {
            // the folder name is a fine title
        }
        return new RunReport(RunReport.SCHEMA_VERSION, name, provenance.dataset(), knownClassNames(provenance.dataset()), status,
                last.step(), history.totalSteps(), 0.0, models, StudentGain.of(models), RunReport.curves(history.evaluations()), provenance);
    }

    /**
     * The class names of a dataset of the registry; null for any other (metrics.jsonl does not carry them, so a report
     * drawn from it shows such classes by index).
     */
    private static List<String> knownClassNames(String dataset) {
        return dataset != null && io.distill4j.data.DatasetRegistry.names().contains(dataset)
                ? io.distill4j.data.DatasetRegistry.get(dataset).classNames() : null;
    }

    /** The path of the first number in {@code node} that is NaN or infinite ({@code models[0].test.loss}), if any. */
    static java.util.Optional<String> nonFinite(String path, JsonNode node) {
        if (node.isNumber()) return Double.isFinite(node.asDouble()) ? java.util.Optional.empty() : java.util.Optional.of(path);
        java.util.Optional<String> found = java.util.Optional.empty();
        if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext() && found.isEmpty(); ) {
                var e = fields.next();
                found = nonFinite(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size() && found.isEmpty(); i++) found = nonFinite(path + "[" + i + "]", node.get(i));
        }
        return found;
    }

    static void requireRun(Path runDir) {
        if (!Files.isDirectory(runDir) || !Files.isRegularFile(runDir.resolve("config.yaml"))) {
            throw new ReportException(runDir + " is not a run folder (expected config.yaml from distill4j train)");
        }
    }
}
