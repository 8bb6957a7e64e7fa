package io.distill4j.signal;

/** Which signal: its kind and, for a transformer's internals, the layer (from 0; -1 for logits). */
public record SignalKey(SignalKind kind, int layer) {
    public static final SignalKey LOGITS = new SignalKey(SignalKind.LOGITS, -1);

    public static SignalKey of(SignalKind kind, int layer) {
        return new SignalKey(kind, layer);
    }

    @Override
    public String toString() {
        return kind == SignalKind.LOGITS ? "logits" : kind.name().toLowerCase(java.util.Locale.ROOT) + "@" + layer;
    }
}
