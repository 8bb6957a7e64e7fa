package io.distill4j.data.user.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.distill4j.FuzzContract;
import io.distill4j.data.DataException;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.SplitPlan;
import io.distill4j.data.user.UserDataSpec;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzzes a user's image folder: the bytes as {@code a/x.png}, {@code .jpg}, {@code .bmp} or {@code .gif} beside a
 * valid 4x4 PNG in class {@code b}, through {@link ImageFolderFormat#prepare} (no test split: one image a class), then
 * the fitted preprocessing's {@link Preprocessor#read} of the fuzzed file as prediction input. Contract: rows of
 * channels x height x width finite floats, or a {@link DataException} (never an OutOfMemoryError: a header claiming a
 * huge image is refused before its pixels are decoded). Input: flags (bits 0-1 the extension, bits 2-3 data.channels
 * unset/1/3/unset, bit 4 data.height and data.width 6x5 rather than unset), then the file.
 */
class ImageFolderFuzzTest {
    private static final FuzzContract FUZZ = new FuzzContract("images", false);
    private static final String[] EXTENSIONS = {"png", "jpg", "bmp", "gif"};
    private static final Integer[] CHANNELS = {null, 1, 3, null};
    private static Path dir;

    @FuzzTest(maxDuration = "60s")
    void prepareImages(byte[] input) throws Throwable {
        if (input.length < 1 || input.length > FuzzContract.MAX_INPUT) return;
        if (dir == null) {
            dir = Files.createTempDirectory("fuzz-images");
            Images.rgb(dir.resolve("b/y.png"), 4, 4, (x, y) -> (x * 60) << 16 | (y * 60) << 8 | 128, "png");
        }
        int flags = input[0] & 0xff;
        Path a = Files.createDirectories(dir.resolve("a"));
        try (var old = Files.list(a)) {
            for (Path p : old.toList()) Files.delete(p);
        }
        Path file = a.resolve("x." + EXTENSIONS[flags & 3]);
        Files.write(file, Arrays.copyOfRange(input, 1, input.length));
        boolean sized = (flags & 16) != 0;
        UserDataSpec spec = new UserDataSpec(ImageFolderFormat.NAME, dir, null, 0, 0, 0, null, null, null, null, null, null,
                sized ? 6 : null, sized ? 5 : null, CHANNELS[(flags >> 2) & 3], null, null, null, null, null);
        FUZZ.run(input, () -> {
            Images.Sink sink = new Images.Sink();
            Preprocessor p = new ImageFolderFormat().prepare(spec, new SplitPlan(0, 0, 0), sink);
            int width = p.shape().features();
            if (sink.width != width || sink.rows.size() != 2) throw new AssertionError("width " + sink.width + ", shape " + p.shape() + ", rows " + sink.rows.size());
            for (float[] row : sink.rows) finite(row);
            p.read(file, ex -> {
                if (ex.features().length != width) throw new AssertionError("row of " + ex.features().length + ", width " + width);
                finite(ex.features());
            });
        }, DataException.class);
    }

    private static void finite(float[] row) {
        for (float v : row) if (!Float.isFinite(v)) throw new AssertionError("non-finite feature");
    }

    @AfterAll
    static void stats() {
        FUZZ.writeStats();
    }
}
