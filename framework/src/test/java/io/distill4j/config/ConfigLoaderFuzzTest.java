package io.distill4j.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import org.junit.jupiter.api.AfterAll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@link ConfigLoader#load} (with {@link YamlChecks}), {@link Overrides}' parsing of {@code --set} and the
 * validation, with the real model families, engines and precisions. Contract: a resolved config whose YAML loads back
 * to the same hash, or a {@link ConfigException}. Input: the config file; every line after a line {@link #SET_MARKER}
 * is one {@code --set} assignment.
 */
class ConfigLoaderFuzzTest {
    static final String SET_MARKER = "#--set";
    private static final FuzzContract FUZZ = new FuzzContract("config-yaml", false);
    private static final ConfigLoader LOADER = new ConfigLoader(ConfigLoaderTest.VOCABULARY, MemoryBudget.ofThisJvm());
    private static Path dir;

    @FuzzTest(maxDuration = "60s")
    void loadConfig(byte[] input) throws Throwable {
        if (input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) dir = Files.createTempDirectory("fuzz-config");
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int marker = text.indexOf("\n" + SET_MARKER + "\n");
        int cut = marker < 0 ? input.length : marker + 1;
        List<String> sets = new ArrayList<>();
        if (marker >= 0) {
            for (String line : new String(input, cut + SET_MARKER.length() + 1, input.length - cut - SET_MARKER.length() - 1,
                    StandardCharsets.UTF_8).split("\n", -1)) {
                if (!line.isEmpty()) sets.add(line);
            }
        }
        Path file = dir.resolve("config.yaml");
        Files.write(file, java.util.Arrays.copyOf(input, cut));
        FUZZ.run(input, () -> {
            ResolvedConfig resolved = LOADER.load(file, sets);
            Path again = dir.resolve("resolved.yaml");
            Files.writeString(again, resolved.yaml());
            ResolvedConfig reloaded = LOADER.load(again, List.of());
            if (!reloaded.hash().equals(resolved.hash())) {
                throw new AssertionError("the resolved config does not load back to the same config:\n" + resolved.yaml());
            }
        }, ConfigException.class);
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
