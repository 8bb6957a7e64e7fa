package io.distill4j.cli;

import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.recipes.Recipes;
import picocli.CommandLine;

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
}
