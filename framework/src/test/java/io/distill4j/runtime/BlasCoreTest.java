package io.distill4j.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kernel choice on recorded /proc/cpuinfo samples: never a kernel the processor lacks. */
class BlasCoreTest {
    static CpuInfo sample(String name) throws IOException {
        try (InputStream in = BlasCoreTest.class.getResourceAsStream(name + ".txt")) {
            return CpuInfo.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void parsesTheFirstProcessorBlock() throws IOException {
        CpuInfo xeon = sample("intel-xeon-model207");
        assertThat(xeon.vendor()).isEqualTo("GenuineIntel");
        assertThat(xeon.family()).isEqualTo(6);
        assertThat(xeon.model()).isEqualTo(207);
        assertThat(xeon.modelName()).isEqualTo("Intel(R) Xeon(R) Processor");
        assertThat(xeon.flags()).contains("avx512f", "amx_tile", "avx512_bf16").doesNotContain("processor");
        assertThat(xeon.describe()).isEqualTo("Intel(R) Xeon(R) Processor (GenuineIntel family 6 model 207)");
    }

    @Test
    void avx512IntelPartsGetSkylakexAvx2PartsUnknownToOpenBlasGetHaswellTheRestIsLeftAlone() throws IOException {
        assertThat(BlasCore.choose(sample("intel-xeon-model207"))).contains("SKYLAKEX");
        assertThat(BlasCore.choose(sample("intel-xeon-model167-this-machine"))).contains("SKYLAKEX");
        assertThat(BlasCore.choose(sample("intel-alder-lake-avx2-only"))).contains("HASWELL");
        assertThat(BlasCore.choose(sample("intel-haswell-known"))).isEmpty();
        assertThat(BlasCore.choose(sample("intel-core2-no-avx"))).isEmpty();
        assertThat(BlasCore.choose(sample("amd-epyc-zen4"))).as("Zen 4: OpenBLAS's own ZEN kernels").isEmpty();
        assertThat(BlasCore.choose(CpuInfo.parse(""))).isEmpty();
    }

    @Test
    void theChoiceNeverNeedsAnInstructionTheProcessorLacks() throws IOException {
        for (String s : new String[]{"intel-xeon-model207", "intel-xeon-model167-this-machine", "intel-alder-lake-avx2-only",
                "intel-haswell-known", "intel-core2-no-avx", "amd-epyc-zen4"}) {
            CpuInfo cpu = sample(s);
            Optional<String> core = BlasCore.choose(cpu);
            core.ifPresent(c -> assertThat(cpu.flags()).as(s + " -> " + c).containsAll(BlasCore.NEEDS.get(c)));
        }
    }

    @Test
    void theUsersOverrideWinsButIsChecked() throws IOException {
        CpuInfo xeon = sample("intel-xeon-model207");
        assertThat(BlasCore.resolve(null, xeon)).contains("SKYLAKEX");
        assertThat(BlasCore.resolve("auto", xeon)).contains("SKYLAKEX");
        assertThat(BlasCore.resolve("none", xeon)).isEmpty();
        assertThat(BlasCore.resolve("cooperlake", xeon)).contains("COOPERLAKE");
        assertThat(BlasCore.resolve("SKYLAKEX", sample("amd-epyc-zen4"))).as("a user may try it on Zen 4").contains("SKYLAKEX");
        assertThatThrownBy(() -> BlasCore.resolve("SKYLAKEX", sample("intel-alder-lake-avx2-only")))
                .hasMessage("DISTILL4J_BLAS_CORE=SKYLAKEX: this processor lacks [avx512f, avx512cd, avx512bw, avx512dq, avx512vl], "
                        + "which that kernel needs; use auto or a smaller core");
        assertThatThrownBy(() -> BlasCore.resolve("turbo", xeon)).hasMessageStartingWith("DISTILL4J_BLAS_CORE=turbo: expected auto, none or one of [");
    }

    @Test
    void theGenericFallbackIsRecognisedWhereForcingACorePays() throws IOException {
        CpuInfo xeon = sample("intel-xeon-model207");
        assertThat(BlasCore.fallbackWhereForcingPays(NativeRuntime.OPENBLAS_OWN_CHOICE, xeon)).isTrue();
        assertThat(BlasCore.fallbackWhereForcingPays("SKYLAKEX", xeon)).isFalse();
        assertThat(BlasCore.fallbackWhereForcingPays(NativeRuntime.OPENBLAS_OWN_CHOICE, sample("amd-epyc-zen4"))).isFalse();
        assertThat(BlasCore.fallbackWhereForcingPays(NativeRuntime.OPENBLAS_OWN_CHOICE, sample("intel-haswell-known"))).isFalse();
    }

    @Test
    void aResumeOnOtherKernelsIsNamed() {
        NativeRuntime a = new NativeRuntime("CpuBackend", "linux-x86_64-avx2", 1, 1, "OPENBLAS", 2, "1", "SKYLAKEX", "Xeon (family 6 model 207)");
        NativeRuntime b = new NativeRuntime("CpuBackend", "linux-x86_64-avx2", 1, 1, "OPENBLAS", 2, "1", NativeRuntime.OPENBLAS_OWN_CHOICE,
                "EPYC (family 25 model 17)");
        assertThat(a.kernelChangeSince(a)).isEmpty();
        assertThat(b.kernelChangeSince(a)).contains("OpenBLAS core SKYLAKEX -> OpenBLAS's own choice; "
                + "processor Xeon (family 6 model 207) -> EPYC (family 25 model 17)");
        NativeRuntime old = new NativeRuntime("CpuBackend", "linux-x86_64-avx2", 1, 1, "OPENBLAS", 2, "1", null, null);
        assertThat(a.kernelChangeSince(old)).as("a run recorded before cores were: nothing to compare").isEmpty();
    }

    @Test
    void theLaunchersHelperPrintsTheChoiceOrOneLineAndExit2() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BlasCoreMain.class.getName());
        pb.environment().put(BlasCore.OVERRIDE, "none");
        Process ok = pb.start();
        assertThat(new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(System.lineSeparator());
        assertThat(ok.waitFor()).isZero();
        pb.environment().put(BlasCore.OVERRIDE, "turbo");
        Process bad = pb.start();
        String err = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor()).isEqualTo(2);
        assertThat(err.strip()).startsWith("distill4j: DISTILL4J_BLAS_CORE=turbo: expected auto, none or one of [").doesNotContain("\n");
    }
}
