package io.distill4j.cli;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.RunConfig;
import io.distill4j.data.DatasetLoader;
import io.distill4j.data.LoadedDataset;
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
        LoadedDataset data = DatasetLoader.load(config.data().request());
        InputShape input = data.info().isText() ? InputShape.text(config.data().maxLength(), config.data().vocabSize())
                : InputShape.image(data.info().height(), data.info().width(), data.info().channels());
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
