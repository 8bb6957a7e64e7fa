package io.distill4j.data.user.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON Lines are read a line at a time across read-buffer boundaries, with the byte offset of a bad byte exact. */
class TextLinesTest {
    @TempDir
    Path dir;

    @Test
    void linesLongerThanTheReadBufferAndCrLfEndingsComeBackWhole() {
        String longLine = "x".repeat(200_000);
        String content = "\uFEFFfirst\r\n" + longLine + "\n\nlast é";
        Path f = TextFiles.write(dir.resolve("a.jsonl"), content);
        List<String> lines = new ArrayList<>();
        TextSources.forEachLine(f, false, (n, s) -> lines.add(n + ":" + s.length() + ":" + s.substring(0, Math.min(6, s.length()))));
        assertThat(lines).containsExactly("1:5:first", "2:200000:xxxxxx", "3:0:", "4:6:last é");
    }

    @Test
    void aBadByteFarIntoTheFileIsNamedByItsLineAndOffset() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5000; i++) s.append("line number ").append(i).append('\n');
        byte[] head = s.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + 4];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = 'a';
        all[head.length + 1] = (byte) 0xc3;   // a lead byte without its continuation
        all[head.length + 2] = 'b';
        all[head.length + 3] = '\n';
        Path f = TextFiles.write(dir.resolve("b.jsonl"), all);
        TextErrorsTest.assertRefused(() -> TextSources.forEachLine(f, false, (n, t) -> { }),
                f + ": line 5001: invalid UTF-8 at byte offset " + (head.length + 1) + " (byte 0xc3)");
    }
}
