package io.distill4j.cli;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.RunConfig;
import io.distill4j.data.DatasetLoader;
import io.distill4j.data.LoadedDataset;
import io.distill4j.data.cache.CacheWriter;
import io.distill4j.data.cache.FeatureCache;
import io.distill4j.data.user.Part;
import io.distill4j.model.Head;
import io.distill4j.data.InputShape;
import io.distill4j.model.ModelFactory;
import io.distill4j.model.ModelFamilies;
import io.distill4j.runtime.NativeRuntime;
import io.distill4j.loss.TermKind;
import io.distill4j.signal.SignalChannel;
import io.distill4j.signal.SignalKind;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.Participant;
import io.distill4j.train.Participants;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/**
 * {@code distill4j bench --config F}: throughput of the online step of a config's models on its real data,
 * the same models trained alone, the teacher step's GFLOP/s against a measured SGEMM peak. Used by scripts/bench.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the online step of a config (burn-in skipped): samples/s online and alone, teacher GFLOP/s vs SGEMM peak.")
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions configOptions;

    @CommandLine.Mixin
    ThreadsOption threads;

    @CommandLine.Option(names = "--steps", defaultValue = "300", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @CommandLine.Option(names = "--warmup", defaultValue = "30", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @CommandLine.Option(names = "--online-only", description = "Only the online step (no alone runs, no SGEMM peak).")
    boolean onlineOnly;

    @CommandLine.Option(names = "--signal-costs", description = "Also time the online step without each kind of internal signal "
            + "its terms read (attention, relations, hidden), and print the bytes each signal kind sends per step.")
    boolean signalCosts;

    @CommandLine.Option(names = "--data-from", defaultValue = "memory", description = "Where the training rows are read from: "
            + "memory (the loaded arrays, default), cache (the same rows written to a feature cache and memory-mapped), or both: "
            + "the online step timed from each, alternately, and their ratio.")
    String dataFrom;

    @CommandLine.Option(names = "--synthetic", paramLabel = "ROWS", description = "Train on ROWS random rows of 64 features "
            + "(an 8x8 grey image; the config's number of classes) instead of the config's training split.")
    Integer synthetic;

    @CommandLine.Option(names = "--rounds", defaultValue = "5", description = "With --data-from both: rounds timing each source "
            + "once (default ${DEFAULT-VALUE}).")
    int rounds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        threads.check(spec);
        if (steps < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--steps: expected at least 1 timed step, got " + steps);
        if (warmup < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--warmup: expected 0 or more steps, got " + warmup);
        ResolvedConfig resolved = configOptions.load();
        RunConfig config = resolved.config();
        Backend.start(threads.value());
        if (!List.of("memory", "cache", "both").contains(dataFrom)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data-from: expected memory, cache or both, got " + dataFrom);
        }
        if (rounds < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--rounds: expected at least 1, got " + rounds);
        if (synthetic != null && synthetic < config.training().batchSize()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--synthetic: expected at least a batch of rows, got " + synthetic);
        }
        LoadedDataset data = DatasetLoader.load(config.data().request());
        InputShape input = config.data().isUserData() ? data.preprocessor().shape()
                : data.info().isText() ? InputShape.text(config.data().maxLength(), config.data().vocabSize())
                : InputShape.image(data.info().height(), data.info().width(), data.info().channels());
        if (synthetic != null) {
            input = InputShape.image(8, 8, 1);
            data = new LoadedDataset(data.info(), syntheticSplit(synthetic, 64, data.info().numClasses(), config.training().seed()),
                    data.validation(), data.test(), data.sha256(), data.vocabulary());
        }
        ModelFactory factory = new ModelFactory(data.info().numClasses(), input, Integer.MAX_VALUE, config.training().engine(),
                config.training().precision());
        PrintWriter out = spec.commandLine().getOut();
        int batch = config.training().batchSize();
        NativeRuntime rt = NativeRuntime.describe();
        out.printf(Locale.ROOT, "runtime: %s %s, %d OpenMP thread(s), %d OpenBLAS thread(s), OpenBLAS core %s, %d cores, engine %s, precision %s, parallel %s, batch %d, %d timed steps after %d warm-up%n",
                rt.backend(), rt.binary(), rt.ompThreads(), rt.blasThreads(), rt.blasCore(), rt.cpuCores(), config.training().engine(),
                config.training().precision(),
                config.training().parallel(), batch, steps, warmup);
        io.distill4j.runtime.BlasCore.warning(rt.blasCore(), io.distill4j.runtime.CpuInfo.current(), io.distill4j.runtime.BlasCore.override())
                .ifPresent(w -> spec.commandLine().getErr().println("distill4j: warning: " + w));

        if (config.data().isUserData() && synthetic == null) {
            // a user's dataset trains from its own feature cache, mapped: "memory" is the same rows copied into an array
            LoadedDataset inMemory = new LoadedDataset(data.info(), new io.distill4j.data.LabeledSplit(
                    data.train().rows().rows(0, data.train().size()), data.train().labels(), data.train().numClasses()),
                    data.validation(), data.test(), data.sha256(), data.vocabulary());
            out.printf(Locale.ROOT, "feature cache: %d rows x %d features, %.1f MB mapped from the dataset's own cache%n",
                    data.train().size(), data.train().width(), data.train().size() * (double) data.train().width() * Float.BYTES / 1e6);
            if (dataFrom.equals("both")) return bothSources(config, inMemory, data, factory, batch, out);
            return timed(config, dataFrom.equals("cache") ? data : inMemory, factory, batch, out);
        }
        if (!dataFrom.equals("memory")) {
            Path folder = createTempFolder();
            try {
                LoadedDataset mapped = new LoadedDataset(data.info(), cached(data.train(), folder), data.validation(), data.test(),
                        data.sha256(), data.vocabulary());
                out.printf(Locale.ROOT, "feature cache: %d rows x %d features, %.1f MB mapped from %s%n", data.train().size(),
                        data.train().width(), data.train().size() * (double) data.train().width() * Float.BYTES / 1e6, folder);
                if (dataFrom.equals("both")) return bothSources(config, data, mapped, factory, batch, out);
                data = mapped;
                return timed(config, data, factory, batch, out);
            } finally {
                deleteQuietly(folder);
            }
        }
        return timed(config, data, factory, batch, out);
    }

    /**
     * The online step from rows in memory and from the same rows mapped from a cache, in {@code --rounds} rounds that time
     * each once, back to back (which goes first alternates): on a shared machine the load drifts, so the rate is the
     * median of the rounds' ratios, each taken from two runs a few seconds apart.
     */
    private int bothSources(RunConfig config, LoadedDataset memory, LoadedDataset cache, ModelFactory factory, int batch, PrintWriter out) {
        double[] fromMemory = new double[rounds];
        double[] fromCache = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                fromMemory[r] = secondsPerStep(config, config.models(), memory, factory, false, null);
                fromCache[r] = secondsPerStep(config, config.models(), cache, factory, false, null);
            } else {
                fromCache[r] = secondsPerStep(config, config.models(), cache, factory, false, null);
                fromMemory[r] = secondsPerStep(config, config.models(), memory, factory, false, null);
            }
            ratio[r] = fromMemory[r] / fromCache[r];
            out.printf(Locale.ROOT, "round %d: memory %.2f ms/step, cache %.2f ms/step, cache/memory rate %.3f%n", r + 1,
                    fromMemory[r] * 1e3, fromCache[r] * 1e3, ratio[r]);
        }
        double m = median(fromMemory);
        double c = median(fromCache);
        double rate = median(ratio);
        out.printf(Locale.ROOT, "online step, data from memory: %.2f ms/step, %.0f samples/s (median of %d)%n", m * 1e3, batch / m, rounds);
        out.printf(Locale.ROOT, "online step, data from cache:  %.2f ms/step, %.0f samples/s (median of %d)%n", c * 1e3, batch / c, rounds);
        out.printf(Locale.ROOT, "cache / memory step rate: %.3f (median of the rounds' ratios)%n", rate);
        double[] gatherMemory = new double[rounds];
        double[] gatherCache = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            gatherMemory[r] = gatherSeconds(memory.train(), batch);
            gatherCache[r] = gatherSeconds(cache.train(), batch);
        }
        out.printf(Locale.ROOT, "batch gather alone: memory %.1f us, cache %.1f us (%d shuffled rows of %d features)%n",
                median(gatherMemory) * 1e6, median(gatherCache) * 1e6, batch, memory.train().width());
        out.printf(Locale.ROOT, "RESULT samples_per_s=%.1f cache_samples_per_s=%.1f cache_ratio=%.3f%n", batch / m, batch / c, rate);
        out.flush();
        return ExitCodes.OK;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Seconds per {@link io.distill4j.data.BatchBuffer#gather} of a shuffled batch: the data path without the models. */
    private static double gatherSeconds(io.distill4j.data.LabeledSplit split, int batch) {
        io.distill4j.data.BatchBuffer buffer = new io.distill4j.data.BatchBuffer(split);
        io.distill4j.data.EpochCursor cursor = new io.distill4j.data.EpochCursor(split.size(), batch, 7);
        double[] t = new double[5];
        for (int r = 0; r < t.length; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < 2000; i++) buffer.gather(cursor.next());
            t[r] = (System.nanoTime() - start) / 1e9 / 2000;
        }
        return median(t);
    }

    private int timed(RunConfig config, LoadedDataset data, ModelFactory factory, int batch, PrintWriter out) {
        // the headline is the online step without twins, so the ratio against PyTorch stays comparable across versions
        double online = secondsPerStep(config, config.models(), data, factory, false, out);
        out.printf(Locale.ROOT, "online step: %.2f ms/step, %.0f samples/s%n", online * 1e3, batch / online);
        if (signalCosts) signalCosts(config, data, factory, online, out);
        boolean withTwins = !onlineOnly && config.models().students().stream().anyMatch(m -> !m.learnsFromLabelsOnly());
        if (withTwins) {
            double twinned = secondsPerStep(config, config.models(), data, factory, true, null);
            out.printf(Locale.ROOT, "online step with scratch twins: %.2f ms/step, %.0f samples/s (%.3fx the step without)%n",
                    twinned * 1e3, batch / twinned, twinned / online);
        }
        if (!onlineOnly) {
            double sum = 0;
            double teacherSeconds = 0;
            for (ModelSpec m : config.models().all()) {
                ModelSpec alone = m.alone();
                double s = secondsPerStep(config, new ModelsSpec(null, null, List.of(alone)), data, factory, false, null);
                if (m == config.models().teacher()) teacherSeconds = s;
                sum += s;
                out.printf(Locale.ROOT, "alone %-12s %.2f ms/step%n", m.name(), s * 1e3);
            }
            out.printf(Locale.ROOT, "signal cost: online %.2f ms/step vs sum of alone %.2f ms/step = %.3fx%n", online * 1e3, sum * 1e3, online / sum);
            ModelSpec teacher = config.models().teacher();
            OptionalDouble teacherFlops = teacher == null ? OptionalDouble.empty() : ModelFamilies.get(teacher.family())
                    .trainingFlops(teacher, factory.context(teacher.name(), teacher.name(), Head.LABELS, 1, 0, 1), batch);
            if (teacherFlops.isPresent()) {
                double flops = teacherFlops.getAsDouble();
                int cores = Runtime.getRuntime().availableProcessors();
                double peak = sgemmPeak(cores);
                out.printf(Locale.ROOT, "teacher step: %.1f GFLOP/s (%.1f MFLOP/step) vs SGEMM peak %.1f GFLOP/s (2048^3, %d OpenBLAS threads) = %.0f%%%n",
                        flops / teacherSeconds / 1e9, flops / 1e6, peak, cores, 100 * flops / teacherSeconds / 1e9 / peak);
            }
        }
        out.printf(Locale.ROOT, "RESULT samples_per_s=%.1f%n", batch / online);
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code split} written to a feature cache in {@code folder} and opened: its rows memory-mapped. */
    static io.distill4j.data.LabeledSplit cached(io.distill4j.data.LabeledSplit split, Path folder) {
        Path dir = folder.resolve("train");
        try (CacheWriter w = FeatureCache.writer(dir)) {
            int width = split.width();
            w.begin(width);
            float[] row = new float[width];
            for (int from = 0; from < split.size(); from += 4096) {
                int to = Math.min(split.size(), from + 4096);
                float[] chunk = split.rows().rows(from, to).data().asFloat();
                for (int i = from; i < to; i++) {
                    System.arraycopy(chunk, (i - from) * width, row, 0, width);
                    w.add(Part.TRAIN, row, split.labels()[i]);
                }
            }
            w.commit(split.numClasses(), java.util.Map.of("source", "distill4j bench"));
        } catch (java.io.IOException e) {
            throw io.distill4j.runtime.StorageException.of("write a feature cache in", folder, e);
        }
        return FeatureCache.open(dir).orElseThrow(() -> new IllegalStateException("the bench's feature cache does not read back: "
                + FeatureCache.problem(dir).orElse("?"))).part(Part.TRAIN);
    }

    /** {@code n} rows of {@code width} standard-normal features, labelled by a fixed random linear rule (learnable). */
    static io.distill4j.data.LabeledSplit syntheticSplit(int n, int width, int numClasses, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][] w = new float[numClasses][width];
        for (float[] c : w) for (int j = 0; j < width; j++) c[j] = (float) r.nextDouble(-1, 1);
        float[] x = new float[Math.multiplyExact(n, width)];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) x[i * width + j] = (float) (r.nextDouble() * 2 - 1);
            for (int k = 0; k < numClasses; k++) {
                double s = 0;
                for (int j = 0; j < width; j++) s += w[k][j] * x[i * width + j];
                if (s > bestScore) {
                    bestScore = s;
                    best = k;
                }
            }
            y[i] = best;
        }
        return new io.distill4j.data.LabeledSplit(Nd4j.create(x, new long[]{n, width}, 'c'), y, numClasses);
    }

    private static Path createTempFolder() {
        try {
            return java.nio.file.Files.createTempDirectory("distill4j-bench-cache");
        } catch (java.io.IOException e) {
            throw io.distill4j.runtime.StorageException.of("create a folder in", Path.of(System.getProperty("java.io.tmpdir")), e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(folder)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.deleteIfExists(p);
        } catch (java.io.IOException ignored) {
            // a temporary folder: the OS cleans it eventually
        }
    }

    /**
     * The cost of each kind of internal signal: the online step timed without the terms that read it (and without the
     * auxiliary layers only they used), side by side with the full step, and the bytes each signal kind publishes per step.
     */
    private void signalCosts(RunConfig config, LoadedDataset data, ModelFactory factory, double full, PrintWriter out) {
        SignalChannel channel = lastChannel;
        long stepsRun = warmup + steps;
        for (SignalKind kind : SignalKind.values()) {
            long count = channel.publishedCount(kind);
            if (count == 0) continue;
            out.printf(Locale.ROOT, "signal %-9s %d per step, %.1f kB per signal, %.1f kB per step%n", kind.name().toLowerCase(Locale.ROOT),
                    count / stepsRun, channel.publishedBytes(kind) / (double) count / 1e3, channel.publishedBytes(kind) / (double) stepsRun / 1e3);
        }
        List<TermKind> internal = List.of(TermKind.ATTENTION, TermKind.RELATIONS, TermKind.HIDDEN);
        List<TermKind> present = internal.stream().filter(k -> uses(config, k)).toList();
        for (TermKind kind : present) {
            RunConfig without = withoutTerms(config, List.of(kind));
            double s = secondsPerStep(without, without.models(), data, factory, false, null);
            out.printf(Locale.ROOT, "without %s terms: %.2f ms/step; they cost %.2f ms/step (%.0f%% of the full step)%n",
                    kind.configName(), s * 1e3, (full - s) * 1e3, 100 * (full - s) / full);
        }
        if (present.size() > 1) {
            RunConfig logitsOnly = withoutTerms(config, present);
            double s = secondsPerStep(logitsOnly, logitsOnly.models(), data, factory, false, null);
            out.printf(Locale.ROOT, "labels and logits only: %.2f ms/step; the internal signals cost %.2f ms/step (%.0f%%)%n",
                    s * 1e3, (full - s) * 1e3, 100 * (full - s) / full);
        }
    }

    private static boolean uses(RunConfig c, TermKind kind) {
        java.util.function.Predicate<List<io.distill4j.config.TermSpec>> has = terms -> terms != null
                && terms.stream().anyMatch(t -> kind.configName().equals(t.term()));
        return has.test(c.distill().terms()) || c.models().all().stream().anyMatch(m -> has.test(m.terms()));
    }

    /** {@code c} without the terms of {@code kinds}, and without auxiliary layers no remaining term binds to. */
    private static RunConfig withoutTerms(RunConfig c, List<TermKind> kinds) {
        java.util.function.UnaryOperator<List<io.distill4j.config.TermSpec>> strip = terms -> terms == null ? null
                : terms.stream().filter(t -> kinds.stream().noneMatch(k -> k.configName().equals(t.term()))).toList();
        io.distill4j.config.DistillSpec d = c.distill();
        io.distill4j.config.DistillSpec distill = new io.distill4j.config.DistillSpec(d.temperature(), d.alpha(), d.period(),
                d.burnInSteps(), d.twins(), d.temporalEnsemble(), strip.apply(d.terms()));
        java.util.function.UnaryOperator<ModelSpec> model = m -> {
            if (m == null) return null;
            List<io.distill4j.config.TermSpec> terms = strip.apply(m.terms());
            List<io.distill4j.config.TermSpec> effective = terms != null ? terms : distill.terms();
            boolean attentionLeft = effective != null && effective.stream().anyMatch(t -> TermKind.byName(t.term()).orElseThrow().attentionType());
            return m.withDistillation(terms, m.auxiliaryLayer() && attentionLeft ? Boolean.TRUE : null, m.warmStartSteps());
        };
        ModelsSpec models = new ModelsSpec(model.apply(c.models().teacher()), model.apply(c.models().assistant()),
                c.models().students().stream().map(model).toList());
        return new RunConfig(c.name(), c.recipe(), c.data(), models, distill, c.training(), c.checkpoint(), c.output());
    }

    /** The channel of the last trainer {@link #secondsPerStep} timed. */
    private SignalChannel lastChannel;

    /**
     * Seconds per online step of {@code models}, after the warm-up steps. With {@code params} non-null, first one line
     * {@code params <model>=<count>} per participant of the step: scripts/bench holds the PyTorch twin to the same counts.
     */
    private double secondsPerStep(RunConfig config, ModelsSpec models, LoadedDataset data, ModelFactory factory, boolean twins,
                                  PrintWriter params) {
        // no burn-in, no warm start: the timed steps must be distillation steps, not labels-only ones
        io.distill4j.config.DistillSpec d = config.distill();
        io.distill4j.config.DistillSpec distill = new io.distill4j.config.DistillSpec(d.temperature(), d.alpha(), d.period(), 0, twins,
                d.temporalEnsemble(), d.terms());
        java.util.function.UnaryOperator<ModelSpec> cold = m -> m == null ? null : m.withDistillation(m.terms(), m.ald(), null);
        models = new ModelsSpec(cold.apply(models.teacher()), cold.apply(models.assistant()), models.students().stream().map(cold).toList());
        List<Participant> ps = Participants.build(models, distill, config.training().seed(), factory);
        if (params != null) {
            for (Participant p : ps) params.printf(Locale.ROOT, "params %s=%d%n", p.name(), p.parameterCount());
        }
        OnlineTrainer t = new OnlineTrainer(ps, data.train(), distill, 1000, config.training().batchSize(), config.training().seed(),
                config.training().parallel());
        for (int i = 0; i < warmup; i++) t.advance();
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) t.advance();
        double seconds = (System.nanoTime() - start) / 1e9 / steps;
        lastChannel = t.channel();
        return seconds;
    }

    /** The machine's SGEMM rate at 2048^3 with OpenBLAS on {@code threads} threads (restored afterwards). */
    static double sgemmPeak(int threads) {
        int before = io.distill4j.runtime.ThreadDefaults.blasThreads();
        Nd4j.factory().blas().setMaxThreads(threads);
        try {
            return sgemmRate();
        } finally {
            Nd4j.factory().blas().setMaxThreads(before);
        }
    }

    private static double sgemmRate() {
        int n = 2048;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        double[] t = new double[5];
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        Arrays.sort(t);
        return 2.0 * n * n * n / t[t.length / 2] / 1e9;
    }
}
