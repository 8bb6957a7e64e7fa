package io.distill4j.signal;

/** Which signal: its kind and, for a transformer's internals, the layer (from 0; -1 for logits). */
public record SignalKey(SignalKind kind, int layer) {
    public static final SignalKey LOGITS = new SignalKey(SignalKind.LOGITS, -1);

    public static SignalKey of(SignalKind kind, int layer) {
        return new SignalKey(kind, layer);
    }

    /** The signals of its publisher that term {@code t} reads (none for labels). */
    public static java.util.List<SignalKey> readBy(io.distill4j.loss.Term t) {
        return switch (t.kind()) {
            case LABELS -> java.util.List.of();
            case LOGITS -> java.util.List.of(LOGITS);
            case ATTENTION -> java.util.List.of(of(SignalKind.ATTENTION, t.teacherLayer()));
            case HIDDEN -> java.util.List.of(of(SignalKind.HIDDEN, t.teacherLayer()));
            case RELATIONS -> java.util.List.of(of(SignalKind.QUERIES, t.teacherLayer()), of(SignalKind.KEYS, t.teacherLayer()),
                    of(SignalKind.VALUES, t.teacherLayer()));
        };
    }

    @Override
    public String toString() {
        return kind == SignalKind.LOGITS ? "logits" : kind.name().toLowerCase(java.util.Locale.ROOT) + "@" + layer;
    }
}
