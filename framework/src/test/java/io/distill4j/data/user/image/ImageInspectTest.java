package io.distill4j.data.user.image;

import io.distill4j.data.user.Inspection;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Inspection of an image folder: classes, counts, sizes, colour, formats and the data keys to start from. */
class ImageInspectTest {
    @TempDir
    Path tmp;

    @Test
    void describesAFolderOfGreyDigits() {
        Path root = tmp.resolve("digits");
        for (int i = 0; i < 3; i++) Images.flat(root.resolve("10/" + i + ".png"), 28, i);
        Images.flat(root.resolve("2/a.png"), 28, 5);
        Images.grey(root.resolve("2/b.bmp"), 30, 20, (x, y) -> 1, "bmp");
        Inspection in = new ImageFolderFormat().inspect(root);
        assertThat(in.format()).isEqualTo("images");
        assertThat(in.examples()).isEqualTo(5);
        assertThat(in.classCounts()).containsExactly(Map.entry("2", 2L), Map.entry("10", 3L));
        assertThat(in.dataKeys()).containsExactly(Map.entry("height", 28), Map.entry("width", 28), Map.entry("channels", 1));
        assertThat(in.shape()).isEqualTo(InputShape.image(28, 28, 1));
        assertThat(String.join("\n", in.details())).contains("most common 28x28 (4 images)", "smallest 28x20", "largest 30x28", "all grey", "bmp=1", "png=4");
    }

    @Test
    void capsLargePhotosKeepingTheirAspectAndAsksForRgb() {
        Path root = tmp.resolve("photos");
        Images.rgb(root.resolve("cat/1.jpg"), 300, 400, (x, y) -> 0x336699, "jpeg");
        Images.rgb(root.resolve("cat/2.jpg"), 300, 400, (x, y) -> 0x996633, "jpeg");
        Images.grey(root.resolve("dog/1.png"), 100, 100, (x, y) -> 3, "png");
        Inspection in = new ImageFolderFormat().inspect(root);
        assertThat(in.dataKeys()).containsExactly(Map.entry("height", 48), Map.entry("width", 64), Map.entry("channels", 3));
        assertThat(String.join("\n", in.details())).contains("most common 300x400", "1 grey, 2 colour", "jpeg=2", "suggested size 48x64");
    }

    @Test
    void capKeepsSmallSizesAndNeverReachesZero() {
        assertThat(ImageInspector.capped(20, 12)).containsExactly(20, 12);
        assertThat(ImageInspector.capped(1000, 10)).containsExactly(64, 1);
        assertThat(ImageInspector.capped(64, 128)).containsExactly(32, 64);
    }

    @Test
    void refusesWhatPrepareRefuses() throws java.io.IOException {
        Path root = java.nio.file.Files.createDirectories(tmp.resolve("empty"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImageFolderFormat().inspect(root))
                .isInstanceOf(io.distill4j.data.DataException.class).hasMessageContaining("holds no class folders");
        Images.flat(root.resolve("a/1.png"), 2, 0);
        java.nio.file.Files.writeString(root.resolve("a/readme.md"), "#");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImageFolderFormat().inspect(root))
                .isInstanceOf(io.distill4j.data.DataException.class).hasMessageContaining("readme.md").hasMessageContaining("not an image file");
    }
}
