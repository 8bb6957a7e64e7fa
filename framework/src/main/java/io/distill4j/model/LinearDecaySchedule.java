package io.distill4j.model;

import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A learning rate falling linearly from {@code initialValue} at the first update to zero after {@code steps} updates
 * (and staying at zero). DL4J's {@code PolySchedule} computes {@code initial * (1 + i / max)^power}, which grows
 * with power 1 (tested), so the decay is written out here; DL4J serialises it with the network (with its shaded Jackson, hence those annotations), so checkpoints and
 * the fused step's optimizer see the same rate. It stays in this package although only the DL4J families use it: DL4J
 * writes its class name into every checkpoint of a run with a linear schedule, so moving it would break their resume.
 */
public final class LinearDecaySchedule implements ISchedule {
    private final double initialValue;
    private final long steps;

    public LinearDecaySchedule(@JsonProperty("initialValue") double initialValue, @JsonProperty("steps") long steps) {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        this.initialValue = initialValue;
        this.steps = steps;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return initialValue * Math.max(0.0, 1.0 - (double) iteration / steps);
    }

    @Override
    public ISchedule clone() {
        return new LinearDecaySchedule(initialValue, steps);
    }

    /**
     * By value: DL4J merges layers whose updaters are equal into one updater block, and compares their schedules with
     * {@code equals}. A network built in this process shares one schedule instance between its layers, one read from a
     * checkpoint has an instance per layer; with identity equality the restored network got a block per layer, read the
     * checkpoint's single-block Adam state in the wrong layout, and a resumed run drifted from the uninterrupted one.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof LinearDecaySchedule s && Double.compare(s.initialValue, initialValue) == 0 && s.steps == steps;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(initialValue) * 31 + Long.hashCode(steps);
    }

    public double getInitialValue() {
        return initialValue;
    }

    public long getSteps() {
        return steps;
    }
}
