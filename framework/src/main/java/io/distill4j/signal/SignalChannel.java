package io.distill4j.signal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Carries the latest signal of each publisher to whoever learns from it; safe to use from the learner thread. */
public final class SignalChannel {
    private final Map<String, Signal> latest = new HashMap<>();
    private long published;

    public synchronized void publish(Signal signal) {
        latest.put(signal.publisher(), signal);
        published++;
    }

    public synchronized Optional<Signal> latest(String publisher) {
        return Optional.ofNullable(latest.get(publisher));
    }

    /** How many signals were published so far (all publishers). */
    public synchronized long publishedCount() {
        return published;
    }
}
