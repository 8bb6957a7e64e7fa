package io.distill4j.cli;

import io.distill4j.recipes.Recipe;
import io.distill4j.recipes.Recipes;
import io.distill4j.report.ProvenanceCollector;
import io.distill4j.runtime.BlasCore;
import io.distill4j.runtime.CpuInfo;
import io.distill4j.runtime.NativeRuntime;
import io.distill4j.runtime.ThreadDefaults;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code distill4j info}: versions, backend, native binary, threads and devices. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show versions, ND4J backend, native binary, threads and devices.")
public final class InfoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Backend.start(null, false);
        NativeRuntime rt = NativeRuntime.describe();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("distill4j       %s%n", ProvenanceCollector.version());
        out.printf("java            %s %s (%s %s)%n", System.getProperty("java.vendor"), System.getProperty("java.runtime.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
        out.printf("nd4j backend    %s%n", rt.backend());
        out.printf("native binary   %s%n", rt.binary());
        out.printf("blas            %s, %d thread(s)%n", rt.blasVendor(), rt.blasThreads());
        CpuInfo cpu = CpuInfo.current();
        out.printf("blas core       %s%n", BlasCore.describe(rt.blasCore(), rt.openblasCoretypeEnv(), cpu));
        out.printf("cpu             %s%n", rt.cpu());
        BlasCore.coretypeWarning(System.getenv(BlasCore.CORETYPE), cpu).ifPresent(w -> out.printf("warning         %s%n", w));
        BlasCore.warning(rt.blasCore(), cpu, BlasCore.override()).ifPresent(w -> out.printf("warning         %s%n", w));
        out.printf("openmp threads  %d (OMP_NUM_THREADS=%s; default %d on purpose, see README performance)%n",
                rt.ompThreads(), rt.ompNumThreadsEnv(), ThreadDefaults.DEFAULT_THREADS);
        out.printf("cpu cores       %d%n", rt.cpuCores());
        out.printf("devices         %s%n", devices());
        out.printf("recipes         %s%n", String.join(", ", Recipes.all().stream().map(Recipe::name).toList()));
        return ExitCodes.OK;
    }

    private static String devices() {
        int n = Nd4j.getAffinityManager().getNumberOfDevices();
        return rtIsCpu() ? "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)" : n + " GPU(s)";
    }

    private static boolean rtIsCpu() {
        return Nd4j.getEnvironment().isCPU();
    }
}
