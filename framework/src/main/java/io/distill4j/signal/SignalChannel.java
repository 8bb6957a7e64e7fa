package io.distill4j.signal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place signals pass through: publishers publish the latest signal of each (publisher, key), learners read it,
 * from any thread. A learner asks for the signal of a given step, so it can never learn from a stale one.
 */
public final class SignalChannel {
    private record Address(String publisher, SignalKey key) {
    }

    private final Map<Address, Signal> latest = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<SignalKind, AtomicLong> bytesByKind = new ConcurrentHashMap<>();
    private final Map<SignalKind, AtomicLong> countByKind = new ConcurrentHashMap<>();

    public void publish(Signal signal) {
        latest.put(new Address(signal.publisher(), signal.key()), signal);
        published.incrementAndGet();
        bytes.addAndGet(signal.bytes());
        bytesByKind.computeIfAbsent(signal.key().kind(), k -> new AtomicLong()).addAndGet(signal.bytes());
        countByKind.computeIfAbsent(signal.key().kind(), k -> new AtomicLong()).incrementAndGet();
    }

    /** Bytes published so far of signals of {@code kind}. */
    public long publishedBytes(SignalKind kind) {
        AtomicLong b = bytesByKind.get(kind);
        return b == null ? 0 : b.get();
    }

    /** Signals of {@code kind} published so far. */
    public long publishedCount(SignalKind kind) {
        AtomicLong c = countByKind.get(kind);
        return c == null ? 0 : c.get();
    }

    /** The latest signal {@code publisher} sent under {@code key}, if any. */
    public Optional<Signal> latest(String publisher, SignalKey key) {
        return Optional.ofNullable(latest.get(new Address(publisher, key)));
    }

    /** The latest logits {@code publisher} sent, if any. */
    public Optional<Signal> latest(String publisher) {
        return latest(publisher, SignalKey.LOGITS);
    }

    /** The signal {@code publisher} sent under {@code key} at {@code step}; empty if it sent none then. */
    public Optional<Signal> at(String publisher, SignalKey key, long step) {
        return latest(publisher, key).filter(s -> s.step() == step);
    }

    /** How many signals were published so far (all publishers, all keys). */
    public long publishedCount() {
        return published.get();
    }

    /** Bytes published so far. */
    public long publishedBytes() {
        return bytes.get();
    }
}
