package io.distill4j.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kernel choice on recorded /proc/cpuinfo samples: never a kernel the processor lacks. */
class BlasCoreTest {
    /** Every sample: recorded ones (Emerald Rapids, this machine) and written ones (the rest; Zen 5 is Zen 4's flags, family 26). */
    static final List<String> SAMPLES = List.of("intel-xeon-model207", "intel-xeon-model167-this-machine",
            "intel-raptor-lake-avx2-only", "intel-alder-lake-avx2-only", "intel-haswell-known", "intel-core2-no-avx",
            "amd-epyc-zen4", "amd-epyc-zen5");

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
    void aCoreIsForcedOnlyWhereOpenBlas0319RunsAGenericKernel() throws IOException {
        assertThat(BlasCore.choose(sample("intel-xeon-model207"))).as("Emerald Rapids: Prescott otherwise").contains("SKYLAKEX");
        assertThat(BlasCore.choose(sample("intel-raptor-lake-avx2-only"))).as("Raptor Lake: Prescott otherwise").contains("HASWELL");
        assertThat(BlasCore.choose(sample("amd-epyc-zen5"))).as("Zen 5: Barcelona otherwise; not AVX-512 (unmeasured)").contains("ZEN");
        assertThat(BlasCore.choose(sample("intel-xeon-model167-this-machine"))).as("OpenBLAS picks SKYLAKEX itself").isEmpty();
        assertThat(BlasCore.choose(sample("intel-alder-lake-avx2-only"))).as("OpenBLAS picks HASWELL itself").isEmpty();
        assertThat(BlasCore.choose(sample("intel-haswell-known"))).isEmpty();
        assertThat(BlasCore.choose(sample("intel-core2-no-avx"))).isEmpty();
        assertThat(BlasCore.choose(sample("amd-epyc-zen4"))).as("Zen 4: OpenBLAS's own ZEN kernels").isEmpty();
        assertThat(BlasCore.choose(CpuInfo.parse(""))).isEmpty();
    }

    @Test
    void noChoiceNeedsAnInstructionTheProcessorLacks() throws IOException {
        for (String s : SAMPLES) {
            CpuInfo cpu = sample(s);
            for (Optional<String> core : List.of(BlasCore.choose(cpu), BlasCore.fastest(cpu))) {
                core.ifPresent(c -> assertThat(cpu.flags()).as(s + " -> " + c).containsAll(BlasCore.NEEDS.get(c)));
            }
        }
        assertThat(BlasCore.fastest(sample("intel-core2-no-avx"))).isEmpty();
    }

    @Test
    void theUsersOverrideWinsButIsChecked() throws IOException {
        CpuInfo xeon = sample("intel-xeon-model207");
        assertThat(BlasCore.resolve(null, xeon)).contains("SKYLAKEX");
        assertThat(BlasCore.resolve(" Auto ", xeon)).contains("SKYLAKEX");
        assertThat(BlasCore.resolve("none", xeon)).isEmpty();
        assertThat(BlasCore.resolve("default", xeon)).isEmpty();
        assertThat(BlasCore.resolve("cooperlake", xeon)).contains("COOPERLAKE");
        assertThat(BlasCore.resolve("SKYLAKEX", sample("amd-epyc-zen4"))).as("a user may try it on Zen 4").contains("SKYLAKEX");
        assertThat(BlasCore.resolve("haswell", sample("intel-xeon-model167-this-machine"))).contains("HASWELL");
        assertThat(BlasCore.resolve("prescott", sample("intel-core2-no-avx"))).as("SSE3 is 'pni' in cpuinfo").contains("PRESCOTT");
        assertThatThrownBy(() -> BlasCore.resolve("SKYLAKEX", sample("intel-raptor-lake-avx2-only")))
                .hasMessage("DISTILL4J_BLAS_CORE=SKYLAKEX: this processor lacks [avx512f, avx512cd, avx512bw, avx512dq, avx512vl], "
                        + "which that kernel needs; use auto or a smaller core");
        assertThatThrownBy(() -> BlasCore.resolve("COOPERLAKE", sample("intel-haswell-known"))).hasMessageContaining("avx512_bf16");
        assertThatThrownBy(() -> BlasCore.resolve("turbo", xeon))
                .hasMessage("DISTILL4J_BLAS_CORE=turbo: expected auto, none or one of "
                        + "[COOPERLAKE, HASWELL, NEHALEM, PRESCOTT, SANDYBRIDGE, SKYLAKEX, ZEN]");
    }

    @Test
    void theSystemPropertyComesBeforeTheVariable() {
        String before = System.getProperty(BlasCore.PROPERTY);
        try {
            System.setProperty(BlasCore.PROPERTY, "haswell");
            assertThat(BlasCore.override()).isEqualTo("haswell");
            System.clearProperty(BlasCore.PROPERTY);
            assertThat(BlasCore.override()).isEqualTo(System.getenv(BlasCore.OVERRIDE));
        } finally {
            if (before != null) System.setProperty(BlasCore.PROPERTY, before);
        }
    }

    @Test
    void aSlowerKernelThanTheProcessorCanRunIsWarnedAbout() throws IOException {
        CpuInfo emerald = sample("intel-xeon-model207");
        assertThat(BlasCore.warning("PRESCOTT", emerald, null)).hasValue("OpenBLAS runs its PRESCOTT kernel on a processor that "
                + "can run SKYLAKEX (the online step ran 3x faster with SKYLAKEX than with the generic kernel on an Emerald Rapids "
                + "Xeon): start Java with OPENBLAS_CORETYPE=SKYLAKEX (scripts/distill4j does unless it is set), or set DISTILL4J_BLAS_CORE=PRESCOTT "
                + "to keep this one quietly");
        assertThat(BlasCore.warning("HASWELL", sample("intel-xeon-model167-this-machine"), "auto"))
                .as("Haswell on an AVX-512 CPU").hasValueSatisfying(w -> assertThat(w)
                        .startsWith("OpenBLAS runs its HASWELL kernel on a processor that can run SKYLAKEX: start Java with"));
        assertThat(BlasCore.warning("BARCELONA", sample("amd-epyc-zen5"), null)).hasValueSatisfying(w -> assertThat(w)
                .contains("OPENBLAS_CORETYPE=ZEN"));
        assertThat(BlasCore.warning("SKYLAKEX", emerald, null)).isEmpty();
        assertThat(BlasCore.warning("COOPERLAKE", emerald, null)).isEmpty();
        assertThat(BlasCore.warning("ZEN", sample("amd-epyc-zen4"), null)).as("OpenBLAS's choice on Zen 4 stands").isEmpty();
        assertThat(BlasCore.warning("NEHALEM", sample("intel-core2-no-avx"), null)).isEmpty();
        assertThat(BlasCore.warning(null, emerald, null)).as("not an OpenBLAS we can read").isEmpty();
        assertThat(BlasCore.warning("PRESCOTT", emerald, "none")).as("the user chose OpenBLAS's own").isEmpty();
        assertThat(BlasCore.warning("PRESCOTT", emerald, "SKYLAKEX")).hasValue("DISTILL4J_BLAS_CORE=SKYLAKEX but OpenBLAS runs "
                + "PRESCOTT: OpenBLAS reads its core once, when it loads; start Java with OPENBLAS_CORETYPE=SKYLAKEX "
                + "(scripts/distill4j does)");
        assertThat(BlasCore.warning("HASWELL", emerald, "haswell")).as("what the user asked for").isEmpty();
        assertThat(BlasCore.warning("PRESCOTT", emerald, "PRESCOTT")).as("the quiet way the warning names").isEmpty();
        assertThat(BlasCore.warning("PRESCOTT", emerald, "turbo")).as("a library user hears of a bad override here")
                .hasValueSatisfying(w -> assertThat(w).startsWith("DISTILL4J_BLAS_CORE=turbo: expected auto, none or one of"));
    }

    @Test
    void infoSaysWhereTheCoreCameFrom() throws IOException {
        assertThat(BlasCore.describe("SKYLAKEX", "(unset)", sample("intel-xeon-model167-this-machine")))
                .isEqualTo("SKYLAKEX, OpenBLAS's own choice; auto forces nothing on this processor");
        assertThat(BlasCore.describe("SKYLAKEX", "SKYLAKEX", sample("intel-xeon-model207")))
                .isEqualTo("SKYLAKEX, forced (OPENBLAS_CORETYPE=SKYLAKEX); auto forces SKYLAKEX on this processor");
        assertThat(BlasCore.describe(null, null, CpuInfo.parse(""))).startsWith("unknown (not a DYNAMIC_ARCH OpenBLAS), OpenBLAS's own choice");
    }

    @Test
    void aResumeOnOtherKernelsIsNamed() {
        NativeRuntime a = runtime("SKYLAKEX", "Xeon (family 6 model 207)");
        NativeRuntime b = runtime("PRESCOTT", "EPYC (family 25 model 17)");
        assertThat(a.kernelChangeSince(a)).isEmpty();
        assertThat(b.kernelChangeSince(a)).contains("OpenBLAS core SKYLAKEX -> PRESCOTT; "
                + "processor Xeon (family 6 model 207) -> EPYC (family 25 model 17)");
        assertThat(a.kernelChangeSince(runtime(null, null))).as("a run recorded before cores were: nothing to compare").isEmpty();
        assertThat(a.kernelChangeSince(runtime("OpenBLAS's own choice", "Xeon (family 6 model 207)")))
                .as("the first recording's placeholder is no core name").isEmpty();
    }

    private static NativeRuntime runtime(String core, String cpu) {
        return new NativeRuntime("CpuBackend", "linux-x86_64-avx2", 1, 1, "OPENBLAS", 2, "1", core, "(unset)", cpu);
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

    @Test
    void aUsersOpenblasCoretypeNamingACoreThisProcessorLacksIsRefusedAsTheOverrideIs() throws IOException {
        // round 3, D4: OpenBLAS obeys OPENBLAS_CORETYPE unchecked, and SKYLAKEX on an AVX2-only CPU dies of SIGILL
        CpuInfo raptor = sample("intel-raptor-lake-avx2-only");
        assertThat(BlasCore.unusableCoretype("SKYLAKEX", raptor)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("OPENBLAS_CORETYPE=SKYLAKEX: this processor lacks [avx512f").contains("illegal instruction")
                .endsWith("unset it, or set DISTILL4J_BLAS_CORE=auto").doesNotContain("\n"));
        assertThat(BlasCore.unusableCoretype("cooperlake", sample("amd-epyc-zen4"))).as("Zen 4 has avx512_bf16").isEmpty();
        assertThat(BlasCore.unusableCoretype("haswell", sample("intel-core2-no-avx"))).get().asString().contains("[avx2, fma]");
        assertThat(BlasCore.unusableCoretype("HASWELL", raptor)).isEmpty();
        assertThat(BlasCore.unusableCoretype(null, raptor)).isEmpty();
        assertThat(BlasCore.unusableCoretype("SKYLAKEX", CpuInfo.parse(""))).as("an unknown processor: cannot tell").isEmpty();
        assertThat(BlasCore.unusableCoretype("NEOVERSEN1", raptor)).as("not a kernel of ours: unknown, not unusable").isEmpty();
        assertThat(BlasCore.coretypeWarning("SKYLAKEX", raptor)).get().asString().endsWith("train, resume and bench refuse it");
    }

    @Test
    void anOpenblasCoretypeOpenblasDoesNotKnowIsShownAsIgnoredNotAsForced() throws IOException {
        CpuInfo zen4 = sample("amd-epyc-zen4");
        for (String name : List.of("garbage", "NEOVERSEN1", "SAPPHIRERAPIDS")) {
            assertThat(BlasCore.unknownCoretype(name)).get().asString().startsWith("OPENBLAS_CORETYPE=" + name + " names no core")
                    .contains("ignores it and picks its own");
            assertThat(BlasCore.coretypeWarning(name, zen4)).isEqualTo(BlasCore.unknownCoretype(name));
            assertThat(BlasCore.describe("ZEN", name, zen4)).isEqualTo("ZEN, OpenBLAS's own choice (OPENBLAS_CORETYPE=" + name
                    + " names no core it knows); auto forces nothing on this processor");
        }
        assertThat(BlasCore.unknownCoretype("zen")).isEmpty();
        assertThat(BlasCore.unknownCoretype("Opteron_SSE3")).isEmpty();
        assertThat(BlasCore.describe("ZEN", "zen", zen4)).startsWith("ZEN, forced (OPENBLAS_CORETYPE=zen)");
        assertThat(BlasCore.coretypeWarning("ZEN", zen4)).isEmpty();
    }

    @Test
    void theLaunchersCoretypeCheckRefusesALackingCoreInOneLineAndWarnsOfAnUnknownName(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        // what scripts/distill4j runs when the user set OPENBLAS_CORETYPE: BlasCoreMain --check-coretype, exit 2 stops it
        java.nio.file.Path raptor = tmp.resolve("cpuinfo.txt");
        try (InputStream in = BlasCoreTest.class.getResourceAsStream("intel-raptor-lake-avx2-only.txt")) {
            java.nio.file.Files.write(raptor, in.readAllBytes());
        }
        Check skx = check(raptor, "SKYLAKEX");
        assertThat(skx.exit()).isEqualTo(2);
        assertThat(skx.output()).startsWith("distill4j: OPENBLAS_CORETYPE=SKYLAKEX: this processor lacks [avx512f").doesNotContain("\n");
        Check unknown = check(raptor, "garbage");
        assertThat(unknown.exit()).isZero();
        assertThat(unknown.output()).startsWith("distill4j: warning: OPENBLAS_CORETYPE=garbage names no core").doesNotContain("\n");
        Check fine = check(raptor, "HASWELL");
        assertThat(fine.exit()).isZero();
        assertThat(fine.output()).isEmpty();
    }

    private record Check(int exit, String output) {
    }

    private static Check check(java.nio.file.Path cpuinfo, String coretype) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + CpuInfo.OVERRIDE_PROPERTY + "=" + cpuinfo, "-cp", System.getProperty("java.class.path"),
                BlasCoreMain.class.getName(), "--check-coretype").redirectErrorStream(true);
        pb.environment().put(BlasCore.CORETYPE, coretype);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Check(p.exitValue(), out);
    }
}
