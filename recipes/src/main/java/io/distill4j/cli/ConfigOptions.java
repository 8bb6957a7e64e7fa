package io.distill4j.cli;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.KeyProblem;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.RunWarnings;
import io.distill4j.recipes.Recipes;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --config F [--set key=value]...}: a validated config, shared by train and validate. */
public final class ConfigOptions {
    @CommandLine.Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "YAML config, e.g. configs/mnist/online-ta.yaml")
    Path config;

    @CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set distill.temperature=2 --set models.students[0].hidden=[64]")
    List<String> overrides = new ArrayList<>();

    ResolvedConfig load() {
        return new ConfigLoader(Recipes.vocabulary()).load(config, overrides);
    }

    /**
     * What a valid config run {@code seeds} times would do that is likely not meant ({@link RunWarnings}), one line each:
     * {@code warning: FILE: key: ...}, or the override that set the key instead of the file.
     */
    List<String> warnings(ResolvedConfig resolved, int seeds) {
        List<String> out = new ArrayList<>();
        for (KeyProblem w : RunWarnings.of(resolved.config(), Recipes.vocabulary().families(), seeds,
                freeDisk(Path.of(resolved.config().output().runs())))) {
            out.add("warning: " + source(w.key()) + ": " + (w.key().startsWith("--") ? "" : w.key() + ": ") + w.problem());
        }
        return out;
    }

    /** The --set that set {@code key} (the last one), else the file. */
    private String source(String key) {
        if (key.startsWith("--")) return key;
        for (int i = overrides.size() - 1; i >= 0; i--) {
            if (overrides.get(i).startsWith(key + "=")) return "--set " + overrides.get(i);
        }
        return config.toString();
    }

    /** Free space where run folders go (the nearest existing folder), or unknown. */
    private static long freeDisk(Path runs) {
        for (Path p = runs.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.isDirectory(p)) continue;
            try {
                return Files.getFileStore(p).getUsableSpace();
            } catch (IOException | SecurityException e) {
                return Long.MAX_VALUE;
            }
        }
        return Long.MAX_VALUE;
    }
}
