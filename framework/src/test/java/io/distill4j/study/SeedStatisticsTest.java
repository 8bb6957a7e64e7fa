package io.distill4j.study;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Statistics over seeds against hand-computed values. */
class SeedStatisticsTest {
    @Test
    void threeSeedsGiveMeanSdAndTInterval() {
        SeedStatistics.Summary s = SeedStatistics.summarize(List.of(0.5, 0.3, 0.7));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.mean()).isCloseTo(0.5, within(1e-12));
        assertThat(s.sd()).isCloseTo(0.2, within(1e-12));
        // t_{0.975,2} = 4.302653; half-width = 4.302653 * 0.2 / sqrt(3) = 0.496828
        assertThat(SeedStatistics.t975(2)).isCloseTo(4.302653, within(1e-6));
        assertThat(s.halfWidth()).isCloseTo(4.3026527 * 0.2 / Math.sqrt(3), within(1e-6));
        assertThat(s.ciLow()).isCloseTo(0.5 - 0.496828, within(1e-5));
        assertThat(s.ciHigh()).isCloseTo(0.5 + 0.496828, within(1e-5));
    }

    @Test
    void twoSeedsUseTWithOneDegreeOfFreedom() {
        SeedStatistics.Summary s = SeedStatistics.summarize(List.of(1.0, 2.0));
        assertThat(s.mean()).isCloseTo(1.5, within(1e-12));
        assertThat(s.sd()).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(SeedStatistics.t975(1)).isCloseTo(12.706205, within(1e-6));
        // 12.706205 * 0.707107 / sqrt(2) = 6.353102
        assertThat(s.halfWidth()).isCloseTo(6.353102, within(1e-5));
    }

    @Test
    void oneSeedHasAMeanButNoSdOrInterval() {
        SeedStatistics.Summary s = SeedStatistics.summarize(List.of(0.9));
        assertThat(s.n()).isEqualTo(1);
        assertThat(s.mean()).isEqualTo(0.9);
        assertThat(s.sd()).isNull();
        assertThat(s.ciLow()).isNull();
        assertThat(s.ciHigh()).isNull();
        assertThat(s.halfWidth()).isNull();
        SeedStatistics.Summary none = SeedStatistics.summarize(List.of());
        assertThat(none.n()).isZero();
        assertThat(none.mean()).isNull();
    }

    @Test
    void tQuantileApproachesTheNormalsAndRefusesNoDegrees() {
        assertThat(SeedStatistics.t975(4)).isCloseTo(2.776445, within(1e-6));
        assertThat(SeedStatistics.t975(1000)).isCloseTo(1.962339, within(1e-5));
        assertThatThrownBy(() -> SeedStatistics.t975(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeedStatistics.sd(List.of(1.0))).isInstanceOf(IllegalArgumentException.class);
    }
}
