package io.distill4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a config's folder paths ({@code data.root}, {@code output.runs}) absolute, so that a run finds its data and can be
 * resumed from any current directory, and the run folder records where everything was. A relative path written in a
 * config file is relative to the <em>project root</em>: {@code $DISTILL4J_HOME} if set, else the nearest folder at or
 * above the config file that holds a {@code configs/} folder (the repository root for {@code configs/mnist/x.yaml} and for
 * {@code runs/r/config.yaml} alike), else the config file's own folder. A relative path given with {@code --set} is relative
 * to the current directory, as any path typed on a command line.
 */
public final class ConfigPaths {
    /** The environment variable (or, for tests and embedding, the system property {@code distill4j.home}) naming the project root. */
    public static final String HOME_VARIABLE = "DISTILL4J_HOME";

    private ConfigPaths() {
    }

    /** The folder relative paths in {@code configFile} are resolved against. */
    public static Path projectRoot(Path configFile) {
        String home = System.getProperty("distill4j.home", System.getenv(HOME_VARIABLE));
        if (home != null && !home.isBlank()) return Path.of(home).toAbsolutePath().normalize();
        Path folder = configFile.toAbsolutePath().normalize().getParent();
        for (Path p = folder; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("configs"))) return p;
        }
        return folder;
    }

    /** Rewrites relative {@code data.root} and {@code output.runs} in {@code root} as absolute paths under {@code base}. */
    static void makeAbsolute(ObjectNode root, Path base) {
        absolute(root.get("data"), "root", base);
        absolute(root.get("data"), "train", base);
        absolute(root.get("data"), "test", base);
        absolute(root.get("data"), "tokenizer", base);
        absolute(root.get("output"), "runs", base);
        com.fasterxml.jackson.databind.JsonNode models = root.get("models");
        if (models != null && models.isObject()) {
            absolute(models.get("teacher"), "init", base);
            absolute(models.get("assistant"), "init", base);
            com.fasterxml.jackson.databind.JsonNode students = models.get("students");
            if (students != null && students.isArray()) students.forEach(s -> absolute(s, "init", base));
        }
    }

    /** The defaults ({@code data/<dataset>}, {@code runs}) are relative to the project root too. */
    static RunConfig withAbsoluteDefaults(RunConfig c, Path base) {
        DataSpec d = c.data();
        OutputSpec o = c.output();
        DataSpec data = d == null ? null : d.withPaths(d.root() == null ? null : resolve(base, d.root()),
                d.train() == null ? null : resolve(base, d.train()), d.test() == null ? null : resolve(base, d.test()),
                d.tokenizer() == null ? null : resolve(base, d.tokenizer()));
        OutputSpec output = new OutputSpec(resolve(base, o.runs()));
        return new RunConfig(c.name(), c.recipe(), data, c.models(), c.distill(), c.training(), c.checkpoint(), output);
    }

    private static void absolute(JsonNode section, String key, Path base) {
        if (section instanceof ObjectNode obj && obj.get(key) != null && obj.get(key).isTextual()) {
            obj.put(key, resolve(base, obj.get(key).asText()));
        }
    }

    private static String resolve(Path base, String path) {
        if (path.isBlank()) return path;  // left for validation to report
        Path p = Path.of(path);
        return p.isAbsolute() ? path : base.resolve(p).normalize().toString();
    }
}
