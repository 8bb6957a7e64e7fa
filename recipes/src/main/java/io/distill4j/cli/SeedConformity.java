package io.distill4j.cli;

import io.distill4j.config.ConfigException;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.recipes.Recipes;
import io.distill4j.report.RunReport;
import io.distill4j.study.StudyFolder;
import io.distill4j.study.StudyReports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a finished seed folder is the study's run for that seed: its resolved config must be study-config.yaml with
 * {@code training.seed=N} (output and data paths aside: where a run writes and where its data lie change nothing it
 * computes), and it must have trained on the same data (SHA-256) as the study's first such seed. A seed resumed with
 * {@code --set ... --allow-config-change} or a run copied in from elsewhere is left out of the aggregate, with the
 * reason, instead of being averaged in silently.
 */
final class SeedConformity implements StudyReports.SeedCheck {
    /** Keys that say where things are, not what is computed (data identity is checked by its SHA-256 instead). */
    private static final List<String> IGNORED = List.of("output.", "data.root");
    private final StudyFolder folder;
    private final ConfigLoader loader = new ConfigLoader(Recipes.vocabulary());
    private Map<String, String> data;

    SeedConformity(StudyFolder folder) {
        this.folder = folder;
    }

    @Override
    public String problem(long seed, Path seedDir, RunReport report) {
        Path seedConfig = seedDir.resolve("config.yaml");
        if (!Files.isRegularFile(seedConfig)) return "its run folder has no config.yaml";
        ResolvedConfig expected = loader.load(folder.configFile(), List.of("training.seed=" + seed));
        ResolvedConfig actual;
        try {
            actual = loader.load(seedConfig, List.of());
        } catch (ConfigException e) {
            return "its config.yaml is not readable (" + e.getMessage() + ")";
        }
        if (!expected.hash().equals(actual.hash())) {
            List<String> changed = loader.changedKeys(expected.config(), actual.config()).stream()
                    .filter(k -> IGNORED.stream().noneMatch(k::startsWith)).toList();
            if (!changed.isEmpty()) {
                return "its config differs from " + folder.configFile().getFileName() + " with training.seed=" + seed + " in "
                        + changed.subList(0, Math.min(5, changed.size())) + (changed.size() > 5 ? " ..." : "");
            }
        }
        Map<String, String> sha = report.provenance() == null ? null : report.provenance().dataSha256();
        if (data == null) {
            data = sha;  // the first seed that conforms sets the study's data
        } else if (!Objects.equals(data, sha)) {
            return "it was trained on other data than the study's first seed (SHA-256 of its data files differ)";
        }
        return null;
    }
}
