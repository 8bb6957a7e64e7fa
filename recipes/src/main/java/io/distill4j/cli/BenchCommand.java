package io.distill4j.cli;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.ModelsSpec;
import io.distill4j.config.ResolvedConfig;
import io.distill4j.config.RunConfig;
import io.distill4j.data.DatasetLoader;
import io.distill4j.data.LoadedDataset;
import io.distill4j.model.NetworkFactory;
import io.distill4j.runtime.NativeRuntime;
import io.distill4j.train.OnlineTrainer;
import io.distill4j.train.Participant;
import io.distill4j.train.Participants;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        threads.check(spec);
        ResolvedConfig resolved = configOptions.load();
        RunConfig config = resolved.config();
        Backend.start(threads.value());
        LoadedDataset data = DatasetLoader.load(config.data().dataset(), Path.of(config.data().root()), config.data().trainLimit(), 0);
        NetworkFactory factory = new NetworkFactory(data.info().numClasses(), data.info().height(), data.info().width(),
                data.info().channels(), DataType.FLOAT);
        PrintWriter out = spec.commandLine().getOut();
        int batch = config.training().batchSize();
        NativeRuntime rt = NativeRuntime.describe();
        out.printf(Locale.ROOT, "runtime: %s %s, %d OpenMP thread(s), batch %d, %d timed steps after %d warm-up%n",
                rt.backend(), rt.binary(), rt.ompThreads(), batch, steps, warmup);

        double online = secondsPerStep(config, config.models(), data, factory);
        out.printf(Locale.ROOT, "online step: %.2f ms/step, %.0f samples/s%n", online * 1e3, batch / online);
        if (!onlineOnly) {
            double sum = 0;
            double teacherSeconds = 0;
            for (ModelSpec m : config.models().all()) {
                ModelSpec alone = new ModelSpec(m.name(), m.family(), m.hidden(), m.conv(), m.optimizer(), m.dropout(),
                        ModelSpec.LABELS, m.signalSource());
                double s = secondsPerStep(config, new ModelsSpec(null, null, List.of(alone)), data, factory);
                if (m == config.models().teacher()) teacherSeconds = s;
                sum += s;
                out.printf(Locale.ROOT, "alone %-12s %.2f ms/step%n", m.name(), s * 1e3);
            }
            out.printf(Locale.ROOT, "signal cost: online %.2f ms/step vs sum of alone %.2f ms/step = %.3fx%n", online * 1e3, sum * 1e3, online / sum);
            if (config.models().teacher() != null) {
                double flops = 6.0 * macs(factory.build(config.models().teacher(), io.distill4j.model.Head.LABELS, 1, 0, 1)) * batch;
                double peak = sgemmPeak();
                out.printf(Locale.ROOT, "teacher step: %.1f GFLOP/s (%.1f MFLOP/step) vs SGEMM peak %.1f GFLOP/s (2048^3) = %.0f%%%n",
                        flops / teacherSeconds / 1e9, flops / 1e6, peak, 100 * flops / teacherSeconds / 1e9 / peak);
            }
        }
        out.printf(Locale.ROOT, "RESULT samples_per_s=%.1f%n", batch / online);
        out.flush();
        return ExitCodes.OK;
    }

    private double secondsPerStep(RunConfig config, ModelsSpec models, LoadedDataset data, NetworkFactory factory) {
        // no burn-in: the timed steps must be distillation steps, not labels-only ones
        io.distill4j.config.DistillSpec d = config.distill();
        io.distill4j.config.DistillSpec distill = new io.distill4j.config.DistillSpec(d.temperature(), d.alpha(), d.period(), 0);
        List<Participant> ps = Participants.build(models, distill, config.training().seed(), factory, config.training().engine());
        OnlineTrainer t = new OnlineTrainer(ps, data.train(), distill, 1000, config.training().batchSize(), config.training().seed(),
                config.training().parallel());
        for (int i = 0; i < warmup; i++) t.advance();
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) t.advance();
        return (System.nanoTime() - start) / 1e9 / steps;
    }

    /** Multiply-accumulates of one example's forward pass through the dense layers (the FLOPs that matter for an MLP). */
    static long macs(MultiLayerNetwork net) {
        long total = 0;
        for (int i = 0; i < net.getnLayers(); i++) {
            if (net.getLayer(i).conf().getLayer() instanceof FeedForwardLayer f && f.getNIn() > 0) total += f.getNIn() * f.getNOut();
        }
        return total;
    }

    static double sgemmPeak() {
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
