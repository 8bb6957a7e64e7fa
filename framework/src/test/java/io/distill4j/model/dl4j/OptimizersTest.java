package io.distill4j.model.dl4j;

import io.distill4j.config.ModelSpec;
import io.distill4j.config.OptimizerSpec;
import io.distill4j.model.Head;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OptimizersTest {
    @TempDir
    Path dir;

    @Test
    void linearScheduleDecaysTheRateToZeroOverTheRunAndConstantKeepsIt() {
        for (String name : Optimizers.names()) {
            IUpdater linear = Optimizers.create(new OptimizerSpec(name, 0.01, OptimizerSpec.LINEAR), 100);
            assertThat(linear.getLearningRate(0, 0)).as(name).isCloseTo(0.01, within(1e-12));
            assertThat(linear.getLearningRate(50, 3)).as(name).isCloseTo(0.005, within(1e-12));
            assertThat(linear.getLearningRate(99, 9)).as(name).isCloseTo(0.0001, within(1e-12));
            IUpdater constant = Optimizers.create(new OptimizerSpec(name, 0.01, OptimizerSpec.CONSTANT), 100);
            assertThat(constant.getLearningRate(99, 9)).as(name).isCloseTo(0.01, within(1e-12));
        }
    }

    @Test
    void theScheduleTravelsWithTheNetworkThroughACheckpoint() throws Exception {
        ModelSpec spec = new ModelSpec("m", "mlp", List.of(4), List.of(), new OptimizerSpec("adam", 0.01, OptimizerSpec.LINEAR), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
        MultiLayerNetwork net = new NetworkFactory(3, 2, 2, 1, DataType.FLOAT, 40).build(spec, Head.LABELS, 1, 0, 1);
        Path f = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, f.toFile(), true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f.toFile(), true);
        IUpdater restored = ((org.deeplearning4j.nn.conf.layers.BaseLayer) back.getLayer(0).conf().getLayer()).getIUpdater();
        assertThat(restored.getLearningRate(10, 0)).isCloseTo(0.0075, within(1e-12));
    }

    /**
     * A network read back from a checkpoint has the same single updater block as the one written (DL4J merges layers
     * whose updaters are equal, schedules included): with a block per layer it read Adam's state in the wrong layout and a
     * resumed run drifted from the uninterrupted one.
     */
    @Test
    void aLinearScheduleSurvivesACheckpointWithOneUpdaterBlockAndTheSameNextStep() throws Exception {
        ModelSpec spec = new ModelSpec("m", "mlp", List.of(8, 6), List.of(), new OptimizerSpec("adam", 0.01, OptimizerSpec.LINEAR), 0.0,
                ModelSpec.LABELS, ModelSpec.TRAINING_PASS, null, null);
        NetworkFactory factory = new NetworkFactory(3, 2, 2, 1, DataType.FLOAT, 40);
        MultiLayerNetwork net = factory.build(spec, Head.LABELS, 1, 0, 1);
        org.nd4j.linalg.dataset.DataSet batch = new org.nd4j.linalg.dataset.DataSet(org.nd4j.linalg.factory.Nd4j.linspace(DataType.FLOAT, -1, 0.1, 20).reshape(5, 4),
                org.nd4j.linalg.factory.Nd4j.eye(3).getRows(0, 1, 2, 0, 1).castTo(DataType.FLOAT));
        for (int i = 0; i < 3; i++) net.fit(batch);
        Path f = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, f.toFile(), true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f.toFile(), true);
        assertThat(((org.deeplearning4j.nn.updater.BaseMultiLayerUpdater<?>) back.getUpdater()).getUpdaterBlocks()).hasSize(1);
        net.fit(batch);
        back.fit(batch);
        assertThat(back.params().data().asFloat()).containsExactly(net.params().data().asFloat());
    }
}
