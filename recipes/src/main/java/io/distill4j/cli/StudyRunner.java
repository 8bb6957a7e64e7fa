package io.distill4j.cli;

import io.distill4j.run.RunDirectory;
import io.distill4j.run.RunLock;
import io.distill4j.config.ConfigLoader;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.recipes.PreparedRun;
import io.distill4j.recipes.Recipes;
import io.distill4j.recipes.RunContext;
import io.distill4j.report.ReportException;
import io.distill4j.runtime.StorageException;
import io.distill4j.study.StudyDefinition;
import io.distill4j.study.StudyFolder;
import io.distill4j.study.StudyRenderer;
import io.distill4j.study.StudyReport;
import io.distill4j.study.StudyReports;
import io.distill4j.train.RunListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A study: the recipe once per seed into {@code seed-N/} run folders of one study folder, then the aggregate over the
 * seeds. Each seed is an ordinary run made by the same code as train/resume; a failed seed does not stop the others
 * (unless its failure would fail every seed), an interrupted one stops the study so that resume can finish it.
 */
final class StudyRunner {
    private static final Logger LOG = LogManager.getLogger(StudyRunner.class);
    /**
     * Failures that every seed would hit alike: no point running the others. A config failure is one only for a seed
     * started from the study's config; a seed resumed from its own folder fails with what that folder holds (its
     * config.yaml, checkpoint, data), which says nothing about the other seeds.
     */
    private static final Set<Integer> FAILS_EVERY_SEED = Set.of(ExitCodes.USAGE, ExitCodes.BACKEND);
    private static final Set<Integer> FAILS_EVERY_FRESH_SEED = Set.of(ExitCodes.CONFIG);

    /** Extra listener for one seed's run; tests set it to make a seed fail for real (null in normal use). */
    static volatile Function<Long, RunListener> seedListenerForTests;

    private final CommandLine.Model.CommandSpec spec;
    private final StudyFolder folder;
    private final boolean quiet;
    private final Integer threads;

    /** One seed's run, fresh or continued ({@code resumed}: from its own folder); its body returns 0, 130 or 143 or throws. */
    private record SeedJob(boolean resumed, java.util.function.IntSupplier body) {
    }

    private StudyRunner(CommandLine.Model.CommandSpec spec, StudyFolder folder, boolean quiet, Integer threads) {
        this.spec = spec;
        this.folder = folder;
        this.quiet = quiet;
        this.threads = threads;
    }

    /** {@code train --seeds}: writes study.json first, then runs every seed. */
    static int train(CommandLine.Model.CommandSpec spec, ConfigOptions options, List<Long> seeds, Path explicitDir, boolean quiet,
                     Integer threads, Interrupts signals) {
        ConfigLoader loader = new ConfigLoader(Recipes.vocabulary());
        ResolvedConfig base = loader.load(options.config, options.overrides);
        // resolve every seed's config before anything runs: a config mistake is reported at once, not once per seed
        Map<Long, ResolvedConfig> configs = new LinkedHashMap<>();
        for (long seed : seeds) configs.put(seed, loader.load(options.config, withSeed(options.overrides, seed)));
        Backend.start(threads);
        signals.beginOrAwaitExit();  // from here a signal is recorded and the study stops before (or in) its next seed
        StudyFolder folder = create(Path.of(base.config().output().runs()), base.config().name(), explicitDir);
        try (RunLock lock = lockNew(folder.root(), explicitDir != null)) {
            folder.writeDefinition(new StudyDefinition(StudyDefinition.SCHEMA_VERSION, base.config().name(), options.config.toString(),
                    options.overrides, seeds, OffsetDateTime.now().toString(), TrainCommand.commandLine(spec)));
            folder.writeText(folder.configFile(), base.yaml());
            StudyRunner runner = new StudyRunner(spec, folder, quiet, threads);
            Map<Long, SeedJob> jobs = new LinkedHashMap<>();
            configs.forEach((seed, config) -> jobs.put(seed, new SeedJob(false, () -> runner.fresh(seed, config))));
            return runner.runSeeds(jobs, seeds.size(), false);
        }
    }

    /** The study folder's lock; a folder another process filled a moment ago is refused like any non-empty --run-dir. */
    private static RunLock lockNew(Path dir, boolean explicit) {
        RunLock lock = RunLock.acquire(dir);
        if (explicit) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> !RunLock.isLockFile(f))) {
                    lock.close();
                    throw new UserInputException(ExitCodes.USAGE, "--run-dir: " + dir + " was filled by another process; choose another --run-dir");
                }
            } catch (IOException e) {
                lock.close();
                throw StorageException.of("list", dir, e);
            }
        }
        return lock;
    }

    /** {@code resume STUDY_DIR}: continues the stopped seed, runs those never started, then writes the aggregate. */
    static int resume(CommandLine.Model.CommandSpec spec, Path dir, boolean quiet, Integer threads) {
        StudyFolder folder = new StudyFolder(dir);
        StudyDefinition d = folder.definition();
        if (!Files.isRegularFile(folder.configFile())) {
            throw new ReportException(dir + " is not a complete study folder (no " + folder.configFile().getFileName() + ")");
        }
        Interrupts.install().beginOrAwaitExit();  // a signal from here on is recorded: the study stops before its next seed
        try (RunLock lock = RunLock.acquire(dir)) {
            return resume(spec, folder, d, quiet, threads);
        } finally {
            Interrupts.uninstall();
        }
    }

    private static int resume(CommandLine.Model.CommandSpec spec, StudyFolder folder, StudyDefinition d, boolean quiet, Integer threads) {
        Path dir = folder.root();
        ConfigLoader loader = new ConfigLoader(Recipes.vocabulary());
        StudyRunner runner = new StudyRunner(spec, folder, quiet, threads);
        Map<Long, SeedJob> jobs = new LinkedHashMap<>();
        for (long seed : d.seeds()) {
            Path seedDir = folder.seedDir(seed);
            // a seed is done when its report reads back complete; a damaged report is redone from the final checkpoint
            if (ResumeCommand.isComplete(RunDirectory.open(seedDir))) continue;
            if (Files.exists(seedDir.resolve("checkpoints/latest"))) {
                RunSession.Continuation next = new RunSession.Continuation(dir, seed);
                jobs.put(seed, new SeedJob(true, () -> ResumeCommand.resumeRun(spec, seedDir, null, List.of(), false, false, quiet,
                        threads, next)));
            } else {
                ResolvedConfig config = loader.load(folder.configFile(), List.of("training.seed=" + seed));
                jobs.put(seed, new SeedJob(false, () -> {
                    if (Files.exists(seedDir)) runner.setAside(seed);
                    return runner.fresh(seed, config);
                }));
            }
        }
        if (!jobs.isEmpty()) Backend.start(threads);
        return runner.runSeeds(jobs, d.seeds().size(), jobs.isEmpty());
    }

    private static List<String> withSeed(List<String> overrides, long seed) {
        List<String> all = new ArrayList<>(overrides);
        all.add("training.seed=" + seed);
        return all;
    }

    private static StudyFolder create(Path runsFolder, String name, Path explicit) {
        Path dir = explicit;
        if (dir == null) {
            dir = RunDirectory.unusedFolder(runsFolder, name + "-study");
        } else if (StudyFolder.isStudy(dir) || Files.exists(dir.resolve("config.yaml"))) {
            throw new UserInputException(ExitCodes.USAGE, "--run-dir: " + dir + " already holds a study or a run; choose another --run-dir");
        } else if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserInputException(ExitCodes.USAGE, "--run-dir: " + dir + " is a file, not a folder; choose another --run-dir");
        } else if (Files.isDirectory(dir) && !isEmpty(dir)) {
            throw new UserInputException(ExitCodes.USAGE, "--run-dir: " + dir + " is not empty; a study folder must be new or empty, "
                    + "choose another --run-dir");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StorageException.of("create the study folder", dir, e);
        }
        return new StudyFolder(dir);
    }

    private static boolean isEmpty(Path dir) {
        try (var files = Files.list(dir)) {
            return files.allMatch(RunLock::isLockFile);
        } catch (IOException e) {
            throw StorageException.of("list", dir, e);
        }
    }

    private int fresh(long seed, ResolvedConfig config) {
        RunDirectory dir = TrainCommand.createRunDirectory(null, null, folder.seedDir(seed));
        List<String> commandLine = TrainCommand.commandLine(spec);
        return RunSession.run(spec, dir, quiet, config.config().name() + " seed " + seed, config.config(),
                new RunSession.Continuation(folder.root(), seed), () -> {
            PreparedRun run = Recipes.get(config.config().recipe()).prepareTrain(new RunContext(config, dir, commandLine));
            return ui -> {
                Function<Long, RunListener> hook = seedListenerForTests;
                List<RunListener> listeners = new ArrayList<>(ui);
                if (hook != null && hook.apply(seed) != null) listeners.add(hook.apply(seed));
                return run.start(listeners);
            };
        });
    }

    /** A seed folder that was started but never checkpointed cannot be resumed; keep it for inspection and start anew. */
    private void setAside(long seed) {
        Path from = folder.seedDir(seed);
        Path to = from.resolveSibling(from.getFileName() + ".incomplete");
        for (int i = 2; Files.exists(to); i++) to = from.resolveSibling(from.getFileName() + ".incomplete-" + i);
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw StorageException.of("move aside", from, e);
        }
        spec.commandLine().getOut().printf("seed %d had started without a checkpoint; moved it to %s and starting it again%n", seed, to);
    }

    /** Runs the seeds in order, then writes the aggregate; {@code nothingToRun}: every seed was already complete. */
    private int runSeeds(Map<Long, SeedJob> jobs, int total, boolean nothingToRun) {
        Interrupts signals = Interrupts.install();
        try {
            return runSeeds(jobs, total, nothingToRun, signals);
        } finally {
            Interrupts.uninstall();
        }
    }

    private int runSeeds(Map<Long, SeedJob> jobs, int total, boolean nothingToRun, Interrupts signals) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> failures = new ArrayList<>();
        int firstFailure = ExitCodes.OK;
        for (Map.Entry<Long, SeedJob> job : jobs.entrySet()) {
            long seed = job.getKey();
            if (signals.signal() != null) {
                // arrived between two seeds (after the previous one had ended): start no further seed
                out.printf("study stopped by SIG%s before seed %d; the seeds from it on were not started; continue the study with: "
                        + "scripts/distill4j resume %s%n", signals.signal(), seed, folder.root());
                out.flush();
                failures.forEach(err::println);
                err.flush();
                return signals.exitCode();
            }
            out.printf("%n=== seed %d (study %s, %d seeds) ===%n", seed, folder.root(), total);
            out.flush();
            int code;
            String reason = null;
            try {
                code = job.getValue().body().getAsInt();
            } catch (RuntimeException e) {
                code = ExitCodes.of(e);
                reason = code == ExitCodes.INTERNAL ? "internal error: " + e : e.getMessage();
                // one line on the console, as for a single run; the stack trace is in the seed's logs/run.log (and with -v)
                LOG.debug("seed {} failed (exit {})", seed, code, e);
            }
            if (code == ExitCodes.INTERRUPTED_INT || code == ExitCodes.INTERRUPTED_TERM) {
                // the run said it was stopped and how to continue the study, in one line
                failures.forEach(err::println);
                err.flush();
                return code;
            }
            if (code != ExitCodes.OK) {
                failures.add(String.format("distill4j: seed %d failed (exit %d): %s", seed, code, ConsoleText.line(reason)));
                if (firstFailure == ExitCodes.OK) firstFailure = code;
                boolean repeats = FAILS_EVERY_SEED.contains(code) || !job.getValue().resumed() && FAILS_EVERY_FRESH_SEED.contains(code);
                if (repeats) {
                    failures.add("distill4j: stopped the study: this failure would repeat for every seed");
                    break;
                }
            }
        }
        StudyReport report = StudyReports.fromFolder(folder, new SeedConformity(folder));
        StudyReports.write(folder, report);
        if (nothingToRun && report.missingSeeds().isEmpty() && report.excludedSeeds().isEmpty()) {
            out.printf("every seed of %s was complete %s; re-wrote the aggregate%n", folder.root(), report.seeds());
        }
        out.printf("%n%s%nstudy folder: %s (study-report.json, study-report.md)%n", StudyRenderer.table(report), folder.root());
        out.flush();
        report.excludedSeeds().forEach(e -> err.println("distill4j: warning: seed " + e.seed() + " is left out of the aggregate: " + ConsoleText.line(e.reason())));
        failures.forEach(err::println);
        err.flush();
        if (signals.signal() != null && firstFailure == ExitCodes.OK) {
            out.printf("study got SIG%s while writing its aggregate; every seed had finished and the aggregate is written%n",
                    signals.signal());
            out.flush();
            return signals.exitCode();
        }
        return firstFailure;
    }
}
