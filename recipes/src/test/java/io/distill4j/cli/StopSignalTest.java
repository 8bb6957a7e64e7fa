package io.distill4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM outside the training loop, sent to real CLI processes (as {@link KillResumeTest} does): after the last step
 * (final evaluation, test pass, benchmark, export) and before the run began (data loading). Neither may be swallowed
 * or leave a half-made folder.
 */
class StopSignalTest {
    @TempDir
    Path tmp;

    /** Waits (up to 5 minutes) until {@code log} holds {@code text}, polling often: the moment matters. */
    private static void await(Path log, String text, Process p) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains(text)) return;
            Thread.sleep(10);
        }
        throw new AssertionError("never saw '" + text + "' in:\n" + Files.readString(log));
    }

    @Test
    void sigtermAfterTheLastStepStopsTheStudyAndResumeRedoesOnlyTheEnd() throws Exception {
        // D2: the test pass has begun (training is over); the benchmark and the export are still to come
        Path dir = tmp.resolve("study");
        Path log = tmp.resolve("study.log");
        List<String> args = new ArrayList<>(List.of("train", "--seeds", "1,2", "--run-dir", dir.toString()));
        args.addAll(KillResumeTest.CONFIG);
        Process p = KillResumeTest.start(log, args.toArray(String[]::new));
        await(log, "test split", p);
        p.destroy();   // SIGTERM
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.INTERRUPTED_TERM);
        assertThat(out).contains("interrupted by SIGTERM after training (step ").contains("of seed 1 (the seeds after it were not started)")
                .contains("continue the study with: scripts/distill4j resume " + dir);
        assertThat(out.split("continue", -1)).hasSize(2);
        assertThat(dir.resolve("seed-1/report.json")).doesNotExist();
        assertThat(dir.resolve("seed-2")).as("no further seed starts").doesNotExist();
        try (var files = Files.walk(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.startsWith(".step")))
                    .as("nothing half-written").isEmpty();
        }

        CliRun resumed = CliRun.of("resume", dir.toString(), "-q");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        JsonNode agg = new ObjectMapper().readTree(dir.resolve("study-report.json").toFile());
        assertThat(agg.get("completedSeeds")).extracting(JsonNode::asLong).containsExactly(1L, 2L);
        List<String> evals = Files.readAllLines(dir.resolve("seed-1/metrics.jsonl")).stream().filter(l -> l.contains("\"type\":\"eval\""))
                .map(l -> l.replaceAll(".*\"step\":(\\d+).*", "$1")).toList();
        assertThat(evals).as("the final evaluation is made again, not twice").doesNotHaveDuplicates();
    }

    @Test
    void sigtermWhileTheDataLoadsSaysSoInOneLineAndLeavesNoFolder() throws Exception {
        // D14: the IMDB loader takes a moment; the run folder exists (locked) but nothing is written yet
        Path run = tmp.resolve("early");
        Path log = tmp.resolve("early.log");
        Process p = KillResumeTest.start(log, "train", "--config", "../configs/imdb/online-ta-smoke.yaml",
                "--set", "data.root=../data/imdb", "--run-dir", run.toString());
        await(log, "run folder", p);
        p.destroy();   // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.INTERRUPTED_TERM);
        assertThat(out).contains("stopped by SIGTERM before training began; nothing was kept (" + run + " removed); "
                + "run the same command again to start over");
        assertThat(run).as("no empty run folder, no lock left").doesNotExist();
    }
}
