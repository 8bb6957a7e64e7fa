package io.distill4j.data.user.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.distill4j.data.DataException;
import io.distill4j.data.user.Preprocessor;
import io.distill4j.data.user.Preprocessors;
import io.distill4j.data.InputShape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A committed {@code preprocessing.json} of kind image: what an exported student carries reads back exactly. */
class ImagePreprocessingFixtureTest {
    private static final String FIXTURE = "/fixtures/image/preprocessing.json";

    private static byte[] fixture() throws IOException {
        try (InputStream in = ImagePreprocessingFixtureTest.class.getResourceAsStream(FIXTURE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theFixtureReadsBackWithItsExactFloats() throws IOException {
        Preprocessor p = Preprocessors.read(Map.of(Preprocessor.ENTRY, fixture()), "fixture").orElseThrow();
        assertThat(p).isInstanceOf(ImagePreprocessor.class);
        ImagePreprocessor image = (ImagePreprocessor) p;
        assertThat(p.kind()).isEqualTo("image");
        assertThat(p.classes()).containsExactly("cat", "dog", "fox");
        assertThat(p.shape()).isEqualTo(InputShape.image(20, 12, 3));
        assertThat(image.mean()).containsExactly(123 / 255f, 0.5f, 0.25f);
        assertThat(image.std()).containsExactly(0.2f, 1f, 0.125f);
        // writing it again gives the same JSON
        assertThat(new ObjectMapper().readTree(p.entries().get(Preprocessor.ENTRY))).isEqualTo(new ObjectMapper().readTree(fixture()));
    }

    @Test
    void everyFloatSurvivesTheRoundTrip() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            float[] mean = {(float) r.nextDouble(-1, 2), r.nextInt(256) / 255f, Float.intBitsToFloat(r.nextInt(0x3f800000))};
            float[] std = {(float) r.nextDouble(1e-4, 2), Math.nextUp(0f), Float.MIN_NORMAL};
            ImagePreprocessor p = new ImagePreprocessor(java.util.List.of("a"), 1, 1, 3, mean, std);
            ImagePreprocessor back = (ImagePreprocessor) Preprocessors.read(p.entries(), "x").orElseThrow();
            assertThat(back.mean()).containsExactly(mean);
            assertThat(back.std()).containsExactly(std);
        }
    }

    @Test
    void aMalformedEntryIsRefusedByName() throws IOException {
        String json = new String(fixture(), StandardCharsets.UTF_8);
        for (String[] bad : new String[][]{
                {"\"channels\" : 3", "\"channels\" : 2", "channels 2"},
                {"\"resize\" : \"bilinear\"", "\"resize\" : \"bicubic\"", "resize \"bicubic\""},
                {"\"std\" : [ 0.20000000298023224, 1.0, 0.125 ]", "\"std\" : [ 0, 1.0, 0.125 ]", "std 0.0"},
                {"\"mean\" : [ 0.48235294222831726, 0.5, 0.25 ]", "\"mean\" : [ 0.5 ]", "one per channel"},
                {"\"height\" : 20", "\"height\" : -1", "height -1"}}) {
            byte[] b = json.replace(bad[0], bad[1]).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Preprocessors.read(Map.of(Preprocessor.ENTRY, b), "m.zip"))
                    .isInstanceOf(DataException.class).hasMessageContaining("m.zip").hasMessageContaining(bad[2]);
        }
    }
}
