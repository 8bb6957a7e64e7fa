package io.distill4j.data.user.image;

import io.distill4j.data.DataException;
import io.distill4j.data.user.Part;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.user.RawExample;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import io.distill4j.data.user.UserFormats;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The image folder format: decoding, channels, resizing, layout, statistics from the training split, prediction alike. */
class ImageFolderFormatTest {
    @TempDir
    Path tmp;

    static UserDataSpec spec(Path train, Path test, double testFraction, int validation, Integer h, Integer w, Integer c) {
        return new UserDataSpec("images", train, test, testFraction, 7, validation, null, null, null, null, null, null,
                h, w, c, null, null, null, null, null);
    }

    static SplitPlan plan(UserDataSpec s) {
        return new SplitPlan(s.test() == null ? s.testFraction() : 0, s.validation(), s.splitSeed());
    }

    static Images.Sink prepare(UserDataSpec s) throws IOException {
        Images.Sink sink = new Images.Sink();
        Preprocessor p = new ImageFolderFormat().prepare(s, plan(s), sink);
        lastPre = (ImagePreprocessor) p;
        return sink;
    }

    static ImagePreprocessor lastPre;

    @Test
    void isRegisteredAsImages() {
        assertThat(UserFormats.get("images")).isInstanceOf(ImageFolderFormat.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "bmp", "gif"})
    void losslessFormatsDecodeToTheirExactPixels(String format) {
        // colours of the default 6x6x6 GIF palette, so that an indexed image holds them exactly too
        int[] levels = {0, 51, 102, 153, 204, 255};
        // 5 rows: the JDK's GIF writer/reader pair scrambles the rows of an interlaced GIF only 3 rows high
        Path f = Images.rgb(tmp.resolve("a." + format), 5, 4, (x, y) -> levels[x] << 16 | levels[y + 1] << 8 | levels[5 - x], format);
        byte[] px = ImagePixels.of(f, 5, 4, 3);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(px[y * 4 + x] & 0xff).as("R at %d,%d", x, y).isEqualTo(levels[x]);
                assertThat(px[20 + y * 4 + x] & 0xff).as("G").isEqualTo(levels[y + 1]);
                assertThat(px[40 + y * 4 + x] & 0xff).as("B").isEqualTo(levels[5 - x]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "jpeg", "JPG"})
    void jpegDecodesCloseToWhatWasWritten(String ext) {
        Path f = Images.rgb(tmp.resolve("a." + ext), 8, 8, (x, y) -> 200 << 16 | 100 << 8 | 50, "jpeg");
        byte[] px = ImagePixels.of(f, 8, 8, 3);
        for (int i = 0; i < 64; i++) {
            assertThat(px[i] & 0xff).isCloseTo(200, within(6));
            assertThat(px[64 + i] & 0xff).isCloseTo(100, within(6));
            assertThat(px[128 + i] & 0xff).isCloseTo(50, within(6));
        }
    }

    @Test
    void greyImagesKeepTheirValuesAndRepeatThemForRgb() {
        Path f = Images.grey(tmp.resolve("g.png"), 2, 3, (x, y) -> 40 * x + 100 * y + 7, "png");
        byte[] one = ImagePixels.of(f, 2, 3, 1);
        byte[] three = ImagePixels.of(f, 2, 3, 3);
        for (int i = 0; i < 6; i++) {
            int expected = 40 * (i % 3) + 100 * (i / 3) + 7;
            assertThat(one[i] & 0xff).isEqualTo(expected);
            for (int c = 0; c < 3; c++) assertThat(three[c * 6 + i] & 0xff).isEqualTo(expected);
        }
    }

    @Test
    void sixteenBitGreyIsScaledToEightBits() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(3, 1, java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0);
        img.getRaster().setSample(1, 0, 0, 257 * 77);
        img.getRaster().setSample(2, 0, 0, 65535);
        Path f = Images.write(img, tmp.resolve("deep.png"), "png");
        byte[] px = ImagePixels.of(f, 1, 3, 1);
        assertThat(new int[]{px[0] & 0xff, px[1] & 0xff, px[2] & 0xff}).containsExactly(0, 77, 255);
    }

    @Test
    void filesAreOrderedByNameCaseSensitively() throws IOException {
        Path train = tmp.resolve("train");
        for (String n : List.of("b.png", "B.png", "a.PNG", "A.png")) Images.flat(train.resolve("k/" + n), 2, n.charAt(0));
        Images.flat(train.resolve("l/x.png"), 2, 0);
        List<RawExample> read = new ArrayList<>();
        prepare(spec(train, null, 0, 0, null, null, 1));
        lastPre.read(train, read::add);
        assertThat(read).extracting(RawExample::id).containsExactly("k/A.png", "k/B.png", "k/a.PNG", "k/b.png", "l/x.png");
    }

    @Test
    void colourBecomesGreyByLuma() {
        Path f = Images.rgb(tmp.resolve("c.png"), 1, 2, (x, y) -> x == 0 ? 200 << 16 | 100 << 8 | 50 : 0xffffff, "png");
        byte[] px = ImagePixels.of(f, 1, 2, 1);
        assertThat(px[0] & 0xff).isEqualTo((int) Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50));   // 124
        assertThat(px[1] & 0xff).isEqualTo(255);
    }

    @Test
    void alphaIsDropped() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(2, 1, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x80_10_20_30);
        img.setRGB(1, 0, 0xff_40_50_60);
        Path f = Images.write(img, tmp.resolve("alpha.png"), "png");
        byte[] px = ImagePixels.of(f, 1, 2, 3);
        assertThat(new int[]{px[0] & 0xff, px[2] & 0xff, px[4] & 0xff}).containsExactly(0x10, 0x20, 0x30);
        assertThat(new int[]{px[1] & 0xff, px[3] & 0xff, px[5] & 0xff}).containsExactly(0x40, 0x50, 0x60);
    }

    @Test
    void resizingKeepsAFlatImageFlatAndAnEdgeSymmetric() {
        Path flat = Images.rgb(tmp.resolve("flat.png"), 30, 50, (x, y) -> 90 << 16 | 91 << 8 | 92, "png");
        byte[] small = ImagePixels.of(flat, 7, 5, 3);
        for (int c = 0; c < 3; c++) for (int i = 0; i < 35; i++) assertThat(small[c * 35 + i] & 0xff).isEqualTo(90 + c);
        byte[] big = ImagePixels.of(flat, 61, 97, 1);
        for (byte b : big) assertThat(b & 0xff).isEqualTo(Math.round(0.299f * 90 + 0.587f * 91 + 0.114f * 92));
        // black left half, white right half: shrunk, the edge stays in the middle and the halves mirror each other
        Path edge = Images.grey(tmp.resolve("edge.png"), 8, 8, (x, y) -> x < 4 ? 0 : 255, "png");
        byte[] e = ImagePixels.of(edge, 4, 4, 1);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat((e[y * 4 + x] & 0xff) + (e[y * 4 + 3 - x] & 0xff)).isEqualTo(255);
                if (x < 3) assertThat(e[y * 4 + x] & 0xff).isLessThanOrEqualTo(e[y * 4 + x + 1] & 0xff);
            }
        }
        assertThat(e[0] & 0xff).isZero();
        // and the same file resizes to the same bytes every time
        assertThat(ImagePixels.of(edge, 5, 3, 3)).isEqualTo(ImagePixels.of(edge, 5, 3, 3));
    }

    @Test
    void aLargeImageIsReadSubsampledToTwiceTheTarget() {
        assertThat(ImageDecoder.subsampling(28, 28, 28, 28)).isEqualTo(1);
        assertThat(ImageDecoder.subsampling(100, 100, 28, 28)).isEqualTo(1);
        assertThat(ImageDecoder.subsampling(3000, 4000, 48, 64)).isEqualTo(31);
        assertThat(ImageDecoder.subsampling(3000, 100, 10, 10)).as("the short side decides").isEqualTo(5);
        // a smooth gradient read subsampled by 20 and resized stays within a few levels of the exact average
        Path ramp = Images.grey(tmp.resolve("ramp.png"), 400, 400, (x, y) -> x * 255 / 399, "png");
        byte[] px = ImagePixels.of(ramp, 10, 10, 1);
        for (int x = 0; x < 10; x++) {
            double exact = (x * 40 + 19.5) * 255 / 399;   // the mean of the 40 columns this output pixel covers
            for (int y = 0; y < 10; y++) assertThat((double) (px[y * 10 + x] & 0xff)).isCloseTo(exact, within(8.0));
        }
        assertThat(ImagePixels.of(ramp, 10, 10, 1)).isEqualTo(px);
    }

    @Test
    void upscalingInterpolatesBetweenNeighbours() {
        Path f = Images.grey(tmp.resolve("two.png"), 1, 2, (x, y) -> x == 0 ? 0 : 200, "png");
        byte[] px = ImagePixels.of(f, 1, 4, 1);
        // output centres at 0.25, 0.75, 1.25, 1.75 input pixels: clamped at the edges, linear between the centres 0.5 and 1.5
        assertThat(new int[]{px[0] & 0xff, px[1] & 0xff, px[2] & 0xff, px[3] & 0xff}).containsExactly(0, 50, 150, 200);
    }

    @Test
    void rowsAreChannelMajorAndNormalisedWithTheTrainingStatistics() throws IOException {
        Path train = tmp.resolve("train");
        Images.rgb(train.resolve("a/1.png"), 2, 3, (x, y) -> (10 * x + y) << 16 | (100 + x) << 8 | (200 + y), "png");
        Images.rgb(train.resolve("b/1.png"), 2, 3, (x, y) -> 5 << 16 | 6 << 8 | 7, "png");
        Images.Sink sink = prepare(spec(train, null, 0, 0, null, null, 3));
        ImagePreprocessor pre = lastPre;
        assertThat(sink.width).isEqualTo(18);
        assertThat(pre.shape()).isEqualTo(InputShape.image(2, 3, 3));
        assertThat(pre.classes()).containsExactly("a", "b");
        assertThat(sink.labels).containsExactly(0, 1);
        float[] mean = pre.mean();
        float[] std = pre.std();
        float[] row = sink.rows.get(0);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int[] rgb = {10 * x + y, 100 + x, 200 + y};
                for (int c = 0; c < 3; c++) {
                    assertThat(row[c * 6 + y * 3 + x]).as("c %d y %d x %d", c, y, x).isEqualTo((rgb[c] / 255f - mean[c]) / std[c]);
                }
            }
        }
        // blue: rows of 200/201 and of 7
        double[] blue = {200, 200, 200, 201, 201, 201, 7, 7, 7, 7, 7, 7};
        double m = Arrays.stream(blue).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(blue).map(v -> (v - m) * (v - m)).average().orElseThrow());
        assertThat(mean[2]).isCloseTo((float) (m / 255), within(1e-6f));
        assertThat(std[2]).isCloseTo((float) (sd / 255), within(1e-6f));
    }

    @Test
    void aConstantChannelGetsStdOne() throws IOException {
        Path train = tmp.resolve("train");
        Images.flat(train.resolve("a/1.png"), 2, 9);
        Images.flat(train.resolve("b/1.png"), 2, 9);
        prepare(spec(train, null, 0, 0, null, null, 1));
        assertThat(lastPre.std()).containsExactly(1f);
        assertThat(lastPre.mean()).containsExactly(9 / 255f);
    }

    /** The mean must come from the TRAIN part alone: validation and test images are far brighter, and would move it. */
    @Test
    void statisticsComeFromTheTrainingSplitOnly() throws IOException {
        Path train = tmp.resolve("train");
        List<Integer> values = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int cls = 0; cls < 2; cls++) {
            for (int i = 0; i < 10; i++) {
                int v = 10 * cls + i;
                Images.flat(train.resolve("c" + cls + "/" + String.format("%02d.png", i)), 3, v);
                values.add(v);
                labels.add(cls);
            }
        }
        UserDataSpec s = spec(train, null, 0.2, 4, null, null, 1);
        Part[] parts = plan(s).assign(labels.stream().mapToInt(Integer::intValue).toArray(), List.of("c0", "c1"), train.toString());
        // make every held-out image white: if one of them entered the statistics the mean would jump
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != Part.TRAIN) {
                Images.flat(train.resolve("c" + labels.get(i) + "/" + String.format("%02d.png", i % 10)), 3, 255);
                values.set(i, 255);
            }
        }
        Images.Sink sink = prepare(s);
        assertThat(sink.parts).containsExactly(parts);
        double trainMean = 0;
        int n = 0;
        for (int i = 0; i < parts.length; i++) if (parts[i] == Part.TRAIN) { trainMean += values.get(i); n++; }
        trainMean /= n;
        assertThat(lastPre.mean()[0]).isEqualTo((float) (trainMean / 255));
        assertThat(trainMean).as("the held-out images do differ").isLessThan(values.stream().mapToInt(Integer::intValue).average().orElseThrow());
        assertThat(sink.parts).contains(Part.TRAIN, Part.VALIDATION, Part.TEST);
    }

    @Test
    void aTestFolderIsTheTestSplitAndNeverInformsTheStatistics() throws IOException {
        Path train = tmp.resolve("train");
        Path test = tmp.resolve("test");
        Images.flat(train.resolve("cat/1.png"), 4, 10);
        Images.flat(train.resolve("dog/1.png"), 4, 30);
        Images.flat(test.resolve("dog/9.png"), 4, 250);
        Images.Sink sink = prepare(spec(train, test, 0, 0, null, null, 1));
        assertThat(sink.parts).containsExactly(Part.TRAIN, Part.TRAIN, Part.TEST);
        assertThat(sink.labels).containsExactly(0, 1, 1);
        assertThat(lastPre.mean()[0]).isEqualTo((float) (20.0 / 255));
    }

    @Test
    void classesFollowClassNamesOrderAndHiddenFilesAreSkipped() throws IOException {
        Path train = tmp.resolve("train");
        for (String c : List.of("10", "2", "1")) Images.flat(train.resolve(c + "/a.png"), 2, 1);
        Files.writeString(train.resolve("2/.DS_Store"), "junk");
        Files.createDirectories(train.resolve(".hidden"));
        Files.writeString(train.resolve(".hidden/x.txt"), "junk");
        Images.Sink sink = prepare(spec(train, null, 0, 0, 2, 2, 1));
        assertThat(lastPre.classes()).as("ClassNames: numerically").containsExactly("1", "2", "10");
        assertThat(sink.labels).as("folders in name order: 1, 10, 2").containsExactly(0, 2, 1);
    }

    @Test
    void predictionComputesTheSameFloatsAsTrainingBitForBit() throws IOException {
        Path train = tmp.resolve("train");
        Images.rgb(train.resolve("a/x.jpg"), 13, 17, (x, y) -> (x * 15) << 16 | (y * 19) << 8 | (x * y), "jpeg");
        Images.grey(train.resolve("a/y.png"), 9, 9, (x, y) -> x * 28, "png");
        Images.rgb(train.resolve("b/z.bmp"), 20, 11, (x, y) -> (x * 23) << 16 | 77 << 8 | (y * 12), "bmp");
        Images.rgb(train.resolve("b/w.gif"), 6, 6, (x, y) -> x < 3 ? 0xff0000 : 0x0000ff, "gif");
        Images.Sink sink = prepare(spec(train, null, 0, 1, 10, 7, 3));
        // read back through the export's entries, as a zip would carry them
        Preprocessor restored = Preprocessors.read(lastPre.entries(), "model.zip").orElseThrow();
        for (Preprocessor p : List.of(lastPre, restored)) {
            List<RawExample> read = new ArrayList<>();
            p.read(train, read::add);
            assertThat(read).extracting(RawExample::id).containsExactly("a/x.jpg", "a/y.png", "b/w.gif", "b/z.bmp");
            assertThat(read).extracting(RawExample::label).containsExactly("a", "a", "b", "b");
            for (int i = 0; i < read.size(); i++) {
                assertThat(Arrays.equals(read.get(i).features(), sink.rows.get(i))).as("row %d bitwise", i).isTrue();
            }
        }
        // a single file and a plain folder of images are read too
        List<RawExample> one = new ArrayList<>();
        restored.read(train.resolve("b/z.bmp"), one::add);
        assertThat(one).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("z.bmp");
            assertThat(r.label()).isNull();
            assertThat(Arrays.equals(r.features(), sink.rows.get(3))).isTrue();
        });
        List<RawExample> folder = new ArrayList<>();
        restored.read(train.resolve("b"), folder::add);
        assertThat(folder).extracting(RawExample::id).containsExactly("w.gif", "z.bmp");
    }

    @Test
    void withoutASizeTheSizeEveryImageSharesIsUsed() throws IOException {
        Path train = tmp.resolve("train");
        Images.grey(train.resolve("a/1.png"), 5, 3, (x, y) -> x, "png");
        Images.grey(train.resolve("b/1.png"), 5, 3, (x, y) -> y, "png");
        Images.Sink sink = prepare(spec(train, null, 0, 0, null, null, null));
        assertThat(lastPre.shape()).as("grey images, channels unset: one channel").isEqualTo(InputShape.image(5, 3, 1));
        assertThat(sink.width).isEqualTo(15);
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws IOException {
        Path train = tmp.resolve("train");
        Images.flat(train.resolve("a/1.png"), 2, 1);
        Images.flat(train.resolve("b/1.png"), 2, 2);
        Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = spills(tmpdir);
        prepare(spec(train, null, 0, 0, null, null, 1));
        Files.writeString(train.resolve("b/2.png"), "not a png");
        try {
            prepare(spec(train, null, 0, 0, 2, 2, 1));
        } catch (DataException expected) {
            // the spill of a failed run goes too
        }
        assertThat(spills(tmpdir)).containsExactlyInAnyOrderElementsOf(before);
    }

    private static List<Path> spills(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("distill4j-images-")).toList();
        }
    }
}
