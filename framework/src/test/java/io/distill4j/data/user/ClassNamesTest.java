package io.distill4j.data.user;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClassNamesTest {
    @Test
    void integerLabelsSortAsNumbers() {
        assertThat(ClassNames.of(List.of("10", "2", "1", "2", "-3"))).containsExactly("-3", "1", "2", "10");
    }

    @Test
    void otherLabelsSortAsText() {
        assertThat(ClassNames.of(List.of("spam", "ham", "10", "spam"))).containsExactly("10", "ham", "spam");
    }

    @Test
    void indexOfFollowsTheOrder() {
        assertThat(ClassNames.indexOf(List.of("b", "a"))).containsEntry("b", 0).containsEntry("a", 1);
    }
}
