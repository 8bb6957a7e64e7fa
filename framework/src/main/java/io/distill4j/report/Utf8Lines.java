package io.distill4j.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a UTF-8 text file, each decoded on its own: a line that is not valid UTF-8 (a flipped byte, a character
 * cut by a kill) is counted and left out instead of making the whole file unreadable.
 */
record Utf8Lines(List<String> lines, int undecodable) {
    static Utf8Lines read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int undecodable = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') end++;
            int length = end - start - (end > start && bytes[end - 1] == '\r' ? 1 : 0);
            try {
                lines.add(decoder.decode(ByteBuffer.wrap(bytes, start, length)).toString());
            } catch (CharacterCodingException e) {
                undecodable++;
            }
            start = end + 1;
        }
        return new Utf8Lines(lines, undecodable);
    }
}
