package io.distill4j.data.text;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which tokens of a text longer than the model's input are kept. Reviews tend to state their verdict at the end, so
 * on IMDB the tail carries more than the head; {@link #HEAD_TAIL} keeps a quarter of the room for the opening and
 * the rest for the ending (the split Sun et al. 2019, "How to Fine-Tune BERT for Text Classification?", found best).
 */
public enum Truncation {
    /** The first tokens (what a plain cut keeps). */
    HEAD("head"),
    /** The last tokens. */
    TAIL("tail"),
    /** The first quarter of the room from the opening, the rest from the ending. */
    HEAD_TAIL("headTail");

    private final String key;

    Truncation(String key) {
        this.key = key;
    }

    /** The name a config and a vocabulary file use. */
    public String key() {
        return key;
    }

    /** The truncation a config or file names, if any does. */
    public static Optional<Truncation> byKey(String key) {
        for (Truncation t : values()) if (t.key.equals(key)) return Optional.of(t);
        return Optional.empty();
    }

    /** The names, for error messages: {@code head, tail, headTail}. */
    public static String keys() {
        return String.join(", ", Arrays.stream(values()).map(Truncation::key).toList());
    }

    /**
     * Copies into {@code out} from {@code at} the tokens of {@code tokens[0, count)} that fit in {@code room} places:
     * all of them when they fit, else the ones this truncation keeps, in text order. Returns how many were copied.
     */
    public int keep(int[] tokens, int count, int room, int[] out, int at) {
        if (room < 0) throw new IllegalArgumentException("room " + room + " < 0");
        if (count <= room) {
            System.arraycopy(tokens, 0, out, at, count);
            return count;
        }
        int head = switch (this) {
            case HEAD -> room;
            case TAIL -> 0;
            case HEAD_TAIL -> room / 4;
        };
        System.arraycopy(tokens, 0, out, at, head);
        System.arraycopy(tokens, count - (room - head), out, at + head, room - head);
        return room;
    }
}
