package io.distill4j.data.cache;

import io.distill4j.data.LabeledSplit;
import io.distill4j.data.user.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureCacheTest {
    @TempDir
    Path tmp;

    /** Rows whose floats are distinct and awkward (negative zero, NaN-free extremes), by part. */
    static float[][] rows(int n, int width, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][width];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) x[i][j] = (float) r.nextGaussian() * (j == 0 ? 1e30f : 1f);
        }
        if (n > 0) x[0][width - 1] = -0f;
        return x;
    }

    static void writeAll(CacheWriter w, Map<Part, float[][]> data, Map<Part, int[]> labels) throws IOException {
        w.begin(data.get(Part.TRAIN)[0].length);
        for (Part p : Part.values()) {
            float[][] x = data.get(p);
            for (int i = 0; i < x.length; i++) w.add(p, x[i], labels.get(p)[i]);
        }
    }

    static int[] labels(int n, int k) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = (i * 7 + 3) % k;
        return y;
    }

    @Test
    void roundTripIsBitwise() throws IOException {
        Map<Part, float[][]> x = Map.of(Part.TRAIN, rows(101, 5, 1), Part.VALIDATION, rows(7, 5, 2), Part.TEST, rows(0, 5, 3));
        Map<Part, int[]> y = Map.of(Part.TRAIN, labels(101, 3), Part.VALIDATION, labels(7, 3), Part.TEST, labels(0, 3));
        Path dir = tmp.resolve("k");
        try (CacheWriter w = FeatureCache.writer(dir)) {
            writeAll(w, x, y);
            w.commit(3, Map.of("columns", List.of("a", "b")));
        }
        FeatureCache c = FeatureCache.open(dir).orElseThrow();
        assertThat(c.width()).isEqualTo(5);
        assertThat(c.numClasses()).isEqualTo(3);
        assertThat(c.meta().path("rows").path("train").asInt()).isEqualTo(101);
        assertThat(c.meta().path("columns").get(1).asText()).isEqualTo("b");
        for (Part p : Part.values()) {
            LabeledSplit s = c.part(p);
            assertThat(s.labels()).containsExactly(y.get(p));
            assertThat(s.size()).isEqualTo(x.get(p).length);
            INDArray all = s.rows().rows(0, s.size());
            for (int i = 0; i < s.size(); i++) {
                for (int j = 0; j < 5; j++) {
                    assertThat(Float.floatToRawIntBits(all.getFloat(i, j))).isEqualTo(Float.floatToRawIntBits(x.get(p)[i][j]));
                }
            }
        }
        assertThatThrownBy(() -> c.part(Part.TRAIN).features()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mapped");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("k");
        }
    }

    @Test
    void anInterruptedWriteLeavesNoTrustedCacheAndTheNextPrepareRedoesIt() throws IOException {
        Path root = tmp.resolve("root");
        Path src = Files.writeString(tmp.resolve("data.csv"), "a,b\n1,2\n");
        List<Path> sources = List.of(src);
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> FeatureCache.prepare(root, sources, Map.of("missing", "zero"), sink -> {
            runs.incrementAndGet();
            sink.begin(2);
            sink.add(Part.TRAIN, new float[]{1, 2}, 0);
            throw new IOException("parse error at line 2");
        })).hasMessageContaining("parse error");
        String key = CacheKey.of(sources, Map.of("missing", "zero"));
        assertThat(FeatureCache.open(root.resolve(key))).isEmpty();

        // a killed preparation: a temporary folder with everything but the rename; never read, deleted by the next prepare
        Path killed = root.resolve("." + key + ".tmp-killed");
        Files.createDirectories(killed);
        Files.writeString(killed.resolve(CacheFiles.META), "{}");
        assertThat(FeatureCache.open(root.resolve(key))).isEmpty();

        FeatureCache c = FeatureCache.prepare(root, sources, Map.of("missing", "zero"), sink -> {
            runs.incrementAndGet();
            sink.begin(2);
            sink.add(Part.TRAIN, new float[]{1, 2}, 1);
            return new FeatureCache.Outcome(2, null);
        });
        assertThat(runs).hasValue(2);
        assertThat(c.part(Part.TRAIN).labels()).containsExactly(1);
        assertThat(c.meta().path("sources").get(0).path("sha256").asText()).isEqualTo(io.distill4j.runtime.Sha256.of(src));
        assertThat(killed).doesNotExist();
        // found, not prepared again
        FeatureCache again = FeatureCache.prepare(root, sources, Map.of("missing", "zero"), sink -> {
            throw new AssertionError("prepared twice");
        });
        assertThat(again.dir()).isEqualTo(c.dir());
    }

    @Test
    void aTruncatedOrGarbledCacheIsRefusedAndPreparedAgain() throws IOException {
        Path root = tmp.resolve("root");
        Path src = Files.writeString(tmp.resolve("d.csv"), "x\n");
        AtomicInteger runs = new AtomicInteger();
        FeatureCache.Preparation work = sink -> {
            runs.incrementAndGet();
            sink.begin(3);
            for (int i = 0; i < 10; i++) sink.add(Part.TRAIN, new float[]{i, i, i}, i % 2);
            return new FeatureCache.Outcome(2, null);
        };
        Path dir = FeatureCache.prepare(root, List.of(src), null, work).dir();
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("train.f32").toFile(), "rw")) {
            f.setLength(f.length() - 4);
        }
        assertThat(FeatureCache.open(dir)).isEmpty();
        assertThat(FeatureCache.problem(dir)).get().asString().contains("train.f32").contains("expected 10 rows x 3");
        FeatureCache redone = FeatureCache.prepare(root, List.of(src), null, work);
        assertThat(runs).hasValue(2);
        assertThat(redone.part(Part.TRAIN).size()).isEqualTo(10);

        Files.writeString(dir.resolve(CacheFiles.META), "{\"format\": 1, \"wid");
        assertThat(FeatureCache.open(dir)).isEmpty();
        Files.write(dir.resolve("train.i32"), new byte[40]);   // fine sizes, but meta is garbled
        FeatureCache.prepare(root, List.of(src), null, work);
        assertThat(runs).hasValue(3);
        // a label outside the classes is a garbled file too
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("train.i32").toFile(), "rw")) {
            f.seek(8);
            f.write(new byte[]{9, 0, 0, 0});
        }
        assertThat(FeatureCache.problem(dir)).get().asString().contains("label 9 at row 2");
    }

    @Test
    void theKeyChangesWithASourcesSizeOrTimeAndWithTheSettings() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("images"));
        Files.createDirectories(folder.resolve("cat"));
        Path a = Files.write(folder.resolve("cat/1.png"), new byte[]{1, 2, 3});
        Path csv = Files.writeString(tmp.resolve("test.csv"), "a\n");
        List<Path> sources = List.of(folder, csv);
        Map<String, Object> settings = Map.of("height", 28, "width", 28, "channels", 1);
        String key = CacheKey.of(sources, settings);
        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(CacheKey.of(sources, Map.of("channels", 1, "width", 28, "height", 28))).as("key order").isEqualTo(key);
        assertThat(CacheKey.of(sources, Map.of("height", 28, "width", 28, "channels", 3))).isNotEqualTo(key);

        Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        String touched = CacheKey.of(sources, settings);
        assertThat(touched).isNotEqualTo(key);
        Files.write(a, new byte[]{1, 2, 3, 4});
        Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        String grown = CacheKey.of(sources, settings);
        assertThat(grown).isNotEqualTo(touched);
        Files.write(folder.resolve("cat/2.png"), new byte[]{9});
        assertThat(CacheKey.of(sources, settings)).as("a file added").isNotEqualTo(grown);
        assertThat(CacheKey.of(List.of(csv, folder), settings)).as("sources swapped").isNotEqualTo(CacheKey.of(sources, settings));
    }

    @Test
    void aFolderChecksumCoversEveryFileByRelativePath() throws IOException {
        Path f = Files.createDirectories(tmp.resolve("f/sub"));
        Files.writeString(f.resolve("b.txt"), "b");
        Files.writeString(tmp.resolve("f/a.txt"), "a");
        String sum = io.distill4j.runtime.Sha256.ofTree(tmp.resolve("f"));
        String a = io.distill4j.runtime.Sha256.of(tmp.resolve("f/a.txt"));
        String b = io.distill4j.runtime.Sha256.of(f.resolve("b.txt"));
        assertThat(sum).isEqualTo(io.distill4j.runtime.Sha256.hex(("a.txt\0" + a + "\nsub/b.txt\0" + b + "\n").getBytes()));
    }

    @Test
    void twoPreparersAtOnceMakeOneCache() throws Exception {
        Path root = tmp.resolve("root");
        Path src = Files.writeString(tmp.resolve("d.csv"), "x\n");
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        FeatureCache.Preparation slow = sink -> {
            runs.incrementAndGet();
            try {
                start.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            sink.begin(4);
            for (int i = 0; i < 2000; i++) {
                sink.add(Part.TRAIN, new float[]{i, -i, i * 0.5f, 1}, i % 3);
                if (i == 1000) {
                    try {
                        Thread.sleep(200);   // the other preparer arrives meanwhile
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            }
            return new FeatureCache.Outcome(3, null);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<FeatureCache>> both = submitBoth(pool, start, root, src, slow);
            FeatureCache a = both.get(0).get();
            FeatureCache b = both.get(1).get();
            assertThat(runs).hasValue(1);
            assertThat(a.dir()).isEqualTo(b.dir());
            assertThat(b.part(Part.TRAIN).size()).isEqualTo(2000);
            try (Stream<Path> s = Files.list(root)) {
                assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Future<FeatureCache>> submitBoth(ExecutorService pool, CountDownLatch start, Path root, Path src,
                                                         FeatureCache.Preparation work) {
        List<Future<FeatureCache>> f = List.of(
                pool.submit(() -> FeatureCache.prepare(root, List.of(src), "s", work)),
                pool.submit(() -> FeatureCache.prepare(root, List.of(src), "s", work)));
        start.countDown();
        return f;
    }

    @Test
    void theCacheRootComesFromThePropertyTheEnvironmentOrXdg() {
        Path home = Path.of("/home/u");
        assertThat(FeatureCache.root("/p", Map.of("DISTILL4J_CACHE", "/e"), home)).isEqualTo(Path.of("/p"));
        assertThat(FeatureCache.root(null, Map.of("DISTILL4J_CACHE", "/e", "XDG_CACHE_HOME", "/x"), home)).isEqualTo(Path.of("/e"));
        assertThat(FeatureCache.root("", Map.of("XDG_CACHE_HOME", "/x"), home)).isEqualTo(Path.of("/x/distill4j"));
        assertThat(FeatureCache.root(null, Map.of(), home)).isEqualTo(Path.of("/home/u/.cache/distill4j"));
    }

    /** A split of known rows, in memory and mapped from a cache written from them. */
    static LabeledSplit[] inMemoryAndMapped(Path dir, int n, int width, int k, long segmentBytes) throws IOException {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, width);
        int[] y = labels(n, k);
        try (CacheWriter w = FeatureCache.writer(dir)) {
            w.begin(width);
            for (int i = 0; i < n; i++) w.add(Part.TRAIN, x.getRow(i).toFloatVector(), y[i]);
            w.commit(k, null);
        }
        LabeledSplit mapped = FeatureCache.open(dir, segmentBytes).orElseThrow().part(Part.TRAIN);
        return new LabeledSplit[]{new LabeledSplit(x, y, k), mapped};
    }
}
