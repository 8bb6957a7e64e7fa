package io.distill4j.cli;

/**
 * Text for the console from anything a user's files may hold (config values, names, paths echoed into messages):
 * control characters and escape sequences are shown escaped instead of being sent to the terminal, where a config file
 * could otherwise clear the screen, recolour or retitle it, or break the one-line rule with a newline.
 */
final class ConsoleText {
    private ConsoleText() {
    }

    /** {@code text} as one printable line: ESC as {@code \e}, newline {@code \n}, CR {@code \r}, tab {@code \t}, any other
     * control, line-separator or bidirectional-override character as {@code \}{@code uXXXX}. */
    static String line(String text) {
        if (text == null) return "null";
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escape(c);
            if (escaped == null) {
                if (sb != null) sb.append(c);
                continue;
            }
            if (sb == null) sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            sb.append(escaped);
        }
        return sb == null ? text : sb.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\u001b' -> "\\e";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> unsafe(c) ? String.format("\\u%04x", (int) c) : null;
        };
    }

    /** C0/C1 controls and DEL; U+2028/2029 (line breaks to some terminals); bidi embeddings, overrides and isolates. */
    private static boolean unsafe(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029'
                || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
    }
}
