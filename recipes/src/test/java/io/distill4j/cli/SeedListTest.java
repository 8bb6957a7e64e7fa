package io.distill4j.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --seeds}: lists, ranges, and one-line usage errors. */
class SeedListTest {
    @Test
    void listsAndRangesKeepTheirOrder() {
        assertThat(SeedList.parse("1,2,3")).containsExactly(1L, 2L, 3L);
        assertThat(SeedList.parse(" 7, 0 ,3-5")).containsExactly(7L, 0L, 3L, 4L, 5L);
        assertThat(SeedList.parse("42")).containsExactly(42L);
    }

    @Test
    void badListsAreUsageErrorsSayingWhy() {
        assertBad("1,,2", "'' is not a non-negative integer or a range like 1-3");
        assertBad("1,-2", "'-2' is not a non-negative integer");
        assertBad("a", "'a' is not a non-negative integer");
        assertBad("1.5", "'1.5' is not a non-negative integer");
        assertBad("1,2,1", "seed 1 is given twice");
        assertBad("1-3,2", "seed 2 is given twice");
        assertBad("5-3", "range 5-3 runs backwards");
        assertBad("1-100000", "more than 1000 seeds");
        assertBad(" ", "expected a comma-separated list of seeds");
    }

    private static void assertBad(String text, String why) {
        assertThatThrownBy(() -> SeedList.parse(text)).isInstanceOfSatisfying(UserInputException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(e.getMessage()).startsWith("--seeds '" + text + "': ").contains(why);
        });
    }
}
