package io.distill4j.cli;

import io.distill4j.config.DistillSpec;
import io.distill4j.data.LabeledSplit;
import io.distill4j.train.OnlineTrainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.ref.WeakReference;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunSessionTest {
    @Test
    void signalHandlersDoNotKeepTheTrainerAlive() throws InterruptedException {
        // after an OutOfMemoryError the handlers are still registered while the one-line report is built; if they held
        // the trainer, its networks would fill the heap and the report itself would die of the next OutOfMemoryError
        Interrupts signals = Interrupts.install();
        OnlineTrainer trainer = new OnlineTrainer(List.of(), new LabeledSplit(Nd4j.zeros(DataType.FLOAT, 4, 2), new int[4], 2),
                new DistillSpec(null, null, null, null, null, null), 1, 2, 1, false);
        WeakReference<OnlineTrainer> ref = new WeakReference<>(trainer);
        signals.onStart(trainer);
        try {
            trainer = null;
            for (int i = 0; i < 100 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(ref.get()).as("trainer still reachable from the SIGINT/SIGTERM handlers").isNull();
        } finally {
            Interrupts.uninstall();
        }
    }
}
