package io.distill4j.data.cache;

import io.distill4j.data.user.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Separate processes: two preparing at once make one cache (the lock file), a killed one leaves nothing trusted. */
class FeatureCacheProcessTest {
    @TempDir
    Path tmp;

    private Process start(Path root, Path source, int rows, long sleepMs, Path runs) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), CachePreparer.class.getName(),
                root.toString(), source.toString(), String.valueOf(rows), String.valueOf(sleepMs), runs.toString())
                .redirectErrorStream(true).start();
    }

    private static String awaitLine(Process p, String prefix) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) if (line.startsWith(prefix)) return line;
        throw new AssertionError("the process ended without a line starting '" + prefix + "'");
    }

    @Test
    void twoProcessesPreparingAtOnceMakeOneCache() throws Exception {
        Path root = tmp.resolve("root");
        Path source = Files.writeString(tmp.resolve("d.csv"), "x\n");
        Path runs = tmp.resolve("runs");
        Process first = start(root, source, 5000, 1500, runs);
        awaitLine(first, "half-way");   // holds the lock now
        Process second = start(root, source, 5000, 0, runs);
        String a = awaitLine(first, "cache ");
        String b = awaitLine(second, "cache ");
        assertThat(first.waitFor(60, TimeUnit.SECONDS) && second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isZero();
        assertThat(second.exitValue()).isZero();
        assertThat(a).isEqualTo(b).endsWith("rows 5000");
        assertThat(Files.readAllLines(runs)).containsExactly("parse");
    }

    @Test
    void aKilledPreparationLeavesOnlyATemporaryFolderThatTheNextPrepareReplaces() throws Exception {
        Path root = tmp.resolve("root");
        Path source = Files.writeString(tmp.resolve("d.csv"), "x\n");
        Path runs = tmp.resolve("runs");
        Process p = start(root, source, 5000, 60_000, runs);
        awaitLine(p, "half-way");
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        String key = CacheKey.of(List.of(source), "process");
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("." + key + ".tmp-")).count()).isEqualTo(1);
        }
        assertThat(FeatureCache.open(root.resolve(key))).isEmpty();
        FeatureCache c = FeatureCache.prepare(root, List.of(source), "process", sink -> {
            sink.begin(8);
            sink.add(Part.TRAIN, new float[8], 1);
            return new FeatureCache.Outcome(2, null);
        });
        assertThat(c.part(Part.TRAIN).size()).isEqualTo(1);
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".")).toList()).isEmpty();
        }
    }
}
