package io.distill4j.data.user;

import io.distill4j.data.DataException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitPlanTest {
    private static final List<String> ABC = List.of("a", "b", "c");

    /** 100 of class a, 50 of b, 10 of c, interleaved as a file would hold them. */
    private static int[] labels() {
        int[] l = new int[160];
        for (int i = 0; i < 160; i++) l[i] = i < 100 ? 0 : i < 150 ? 1 : 2;
        // shuffle deterministically so that classes are not in blocks
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = l.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = l[i];
            l[i] = l[j];
            l[j] = t;
        }
        return l;
    }

    private static long count(Part[] parts, int[] labels, Part part, int label) {
        long n = 0;
        for (int i = 0; i < parts.length; i++) if (parts[i] == part && labels[i] == label) n++;
        return n;
    }

    @Test
    void theTestSplitHoldsTheFractionOfEveryClass() {
        int[] l = labels();
        Part[] parts = new SplitPlan(0.2, 0, 1).assign(l, ABC, "f.csv");
        assertThat(count(parts, l, Part.TEST, 0)).isEqualTo(20);
        assertThat(count(parts, l, Part.TEST, 1)).isEqualTo(10);
        assertThat(count(parts, l, Part.TEST, 2)).isEqualTo(2);
        assertThat(Arrays.stream(parts).filter(p -> p == Part.VALIDATION)).isEmpty();
    }

    @Test
    void validationIsSpreadOverTheClassesInProportionAndCountsExactly() {
        int[] l = labels();
        Part[] parts = new SplitPlan(0.2, 32, 1).assign(l, ABC, "f.csv");
        assertThat(Arrays.stream(parts).filter(p -> p == Part.VALIDATION).count()).isEqualTo(32);
        // 80 / 40 / 8 left for training: 20 / 10 / 2 of the 32
        assertThat(count(parts, l, Part.VALIDATION, 0)).isEqualTo(20);
        assertThat(count(parts, l, Part.VALIDATION, 1)).isEqualTo(10);
        assertThat(count(parts, l, Part.VALIDATION, 2)).isEqualTo(2);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        int[] l = labels();
        assertThat(new SplitPlan(0.2, 10, 3).assign(l, ABC, "f")).isEqualTo(new SplitPlan(0.2, 10, 3).assign(l, ABC, "f"));
        assertThat(new SplitPlan(0.2, 10, 3).assign(l, ABC, "f")).isNotEqualTo(new SplitPlan(0.2, 10, 4).assign(l, ABC, "f"));
    }

    @Test
    void everyClassKeepsATrainingExampleAndATestExample() {
        int[] l = {0, 0, 1, 1, 1};
        Part[] parts = new SplitPlan(0.01, 0, 1).assign(l, List.of("x", "y"), "f");
        assertThat(count(parts, l, Part.TEST, 0)).isEqualTo(1);
        assertThat(count(parts, l, Part.TRAIN, 0)).isEqualTo(1);
        parts = new SplitPlan(0.99, 0, 1).assign(l, List.of("x", "y"), "f");
        assertThat(count(parts, l, Part.TRAIN, 1)).isEqualTo(1);
    }

    @Test
    void aClassTooSmallToSplitIsRefusedByName() {
        assertThatThrownBy(() -> new SplitPlan(0.2, 0, 1).assign(new int[]{0, 0, 1}, List.of("x", "lonely"), "data/f.csv"))
                .isInstanceOf(DataException.class)
                .hasMessage("data/f.csv: class 'lonely' has 1 example(s); a test split of data.testFraction 0.2 needs at least 2 of each "
                        + "class (one to train on, one to test)");
    }

    @Test
    void aValidationSplitLeavingNothingToTrainOnIsRefused() {
        assertThatThrownBy(() -> new SplitPlan(0, 4, 1).assign(new int[]{0, 0, 1, 1}, List.of("x", "y"), "f.csv"))
                .isInstanceOf(DataException.class).hasMessageContaining("data.validation 4 must be below the 4 examples");
    }

    @Test
    void withoutATestFractionEverythingIsTrainingOrValidation() {
        int[] l = labels();
        Part[] parts = new SplitPlan(0, 16, 1).assign(l, ABC, "f");
        assertThat(Arrays.stream(parts).filter(p -> p == Part.TEST)).isEmpty();
        assertThat(Arrays.stream(parts).filter(p -> p == Part.VALIDATION).count()).isEqualTo(16);
    }

    @Test
    void theObserverSeesEveryAssignment() {
        Part[][] seen = new Part[1][];
        Part[] parts = new SplitPlan(0.5, 0, 1, p -> seen[0] = p).assign(new int[]{0, 0, 1, 1}, List.of("x", "y"), "f");
        assertThat(seen[0]).isEqualTo(parts);
    }

    @Test
    void proportionalNeverTakesAClassesLastExampleWhileOthersHaveSome() {
        assertThat(SplitPlan.proportional(new int[]{1, 9}, 5)).containsExactly(0, 5);
        assertThat(SplitPlan.proportional(new int[]{10, 10}, 0)).containsExactly(0, 0);
    }
}
