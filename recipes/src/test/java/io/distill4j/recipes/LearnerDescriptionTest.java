package io.distill4j.recipes;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.loss.Term;
import io.distill4j.loss.TermKind;
import io.distill4j.train.Participant;
import io.distill4j.train.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The run log's line of what a learner learns: every term with its weight and keys, ramps and the auxiliary layer. */
class LearnerDescriptionTest {
    private static ModelSpec student(boolean ald) {
        return new ModelSpec("s", "transformer", List.of(8), List.of(), new OptimizerSpec("adam", 1e-3, null), 0.0, "assistant",
                ModelSpec.TRAINING_PASS, null, null, 1, 2, 16, null, null, null, ald, null, null, null);
    }

    @Test
    void saysEachTermsWeightTemperatureLayersAndRamp() {
        List<Term> terms = List.of(Term.labels(0.5), Term.logits(0.5, 2),
                new Term(TermKind.ATTENTION, "attention", 1, 1, 0, 1, 0, new Term.Ramp(100, 300, 0)),
                new Term(TermKind.RELATIONS, "relations", 0.25, 1, 0, 0, 4, null));
        Participant p = new Participant("s", Role.STUDENT, student(true), null, "assistant", false, "s", terms);
        assertThat(OnlineDistillationRecipe.describe(p)).isEqualTo("0.5 labels + 0.5 logits (T 2) + 1 attention (layer 0 -> 1, "
                + "auxiliary) ramped 0->1 over steps 100..300 + 0.25 relations (layer 0 -> 0, 4 relation heads)");
    }

    @Test
    void aTermOnARealLayerIsNotCalledAuxiliary() {
        Participant p = new Participant("s", Role.STUDENT, student(false), null, "assistant", false, "s",
                List.of(new Term(TermKind.ATTENTION, "attention", 1, 1, 1, 0, 0, null)));
        assertThat(OnlineDistillationRecipe.describe(p)).isEqualTo("1 attention (layer 1 -> 0)");
    }
}
