package io.distill4j.data.user.text;

import io.distill4j.data.DataException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to text, strictly UTF-8: a byte sequence that is not UTF-8 is refused with the file, line and byte offset,
 * because silently decoding it (Java's default replaces it) would train on text the user never wrote; with
 * {@code data.malformedText: replace} it becomes U+FFFD instead.
 */
final class Utf8Text {
    private Utf8Text() {
    }

    /** True for {@code data.malformedText: replace}; anything else reports. */
    static boolean replaces(String malformedText) {
        return "replace".equals(malformedText);
    }

    /**
     * Decodes {@code bytes[from, to)}, which start on line {@code line} at byte {@code offset} of {@code file}; a
     * leading byte-order mark of the file (offset 0) is dropped.
     */
    static String decode(byte[] bytes, int from, int to, boolean replace, String file, long line, long offset) {
        int start = from;
        if (offset == 0 && to - from >= 3 && (bytes[from] & 0xff) == 0xef && (bytes[from + 1] & 0xff) == 0xbb
                && (bytes[from + 2] & 0xff) == 0xbf) from += 3;
        CodingErrorAction action = replace ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(action).onUnmappableCharacter(action);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);   // UTF-8 never decodes to more chars than bytes
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) throw malformed(bytes, in.position(), file, line, start, offset);
        r = decoder.flush(out);
        if (r.isError()) throw malformed(bytes, in.position(), file, line, start, offset);
        return out.flip().toString();
    }

    /** The whole of {@code bytes}, the content of {@code file}. */
    static String decode(byte[] bytes, boolean replace, String file) {
        return decode(bytes, 0, bytes.length, replace, file, 1, 0);
    }

    private static DataException malformed(byte[] bytes, int at, String file, long firstLine, int start, long offset) {
        long line = firstLine;
        for (int i = start; i < at; i++) if (bytes[i] == '\n') line++;
        return new DataException(file + ": line " + line + ": invalid UTF-8 at byte offset " + (offset + at - start) + " (byte 0x"
                + String.format("%02x", bytes[at] & 0xff) + "); save the file as UTF-8, or set data.malformedText: replace to read such bytes as U+FFFD");
    }
}
