package io.distill4j.data.user.table;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;

import java.util.Locale;

/**
 * One table cell as a {@code long}, the same in the spill and in prediction: a finite number is its double's bits; a
 * missing cell and a text cell (by its dictionary code) are NaN bit patterns no parsed number can have. Keeping the
 * cell as raw bits (never as a double) means no NaN payload is ever canonicalised away.
 *
 * <p>A cell is missing when, trimmed, it is empty or one of {@code NA}, {@code N/A}, {@code NaN}, {@code null},
 * {@code ?} (any case). It is a number when FastDoubleParser reads it whole and the value is finite; anything else is text.
 */
final class Cells {
    static final long MISSING = 0x7FF8_0000_0000_0001L;
    private static final long TEXT = 0x7FF4_0000_0000_0000L;
    private static final long TAG_MASK = 0xFFFF_0000_0000_0000L;
    /** The category a missing cell of a categorical column counts as. */
    static final String MISSING_CATEGORY = "(missing)";

    private Cells() {
    }

    static boolean isMissing(String trimmed) {
        int n = trimmed.length();
        if (n == 0) return true;
        if (n > 4) return false;   // cheap exit for the common case: no missing token is longer than 4
        return switch (trimmed.toLowerCase(Locale.ROOT)) {
            case "na", "n/a", "nan", "null", "?" -> true;
            default -> false;
        };
    }

    /** The finite number {@code trimmed} spells, or NaN when it is not one. */
    static double number(String trimmed) {
        char c = trimmed.isEmpty() ? ' ' : trimmed.charAt(0);
        // text rarely starts like a number: skip the parser's exception for it
        if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.')) return Double.NaN;
        try {
            double x = JavaDoubleParser.parseDouble(trimmed);
            return Double.isFinite(x) ? x : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The cell a trimmed text is, as both preparation and prediction read it: {@link #MISSING}, a number's bits, or
     * text (code 0: the caller that keeps a dictionary puts the text's code in with {@link #text}).
     */
    static long of(String trimmed) {
        if (isMissing(trimmed)) return MISSING;
        double x = number(trimmed);
        return Double.isNaN(x) ? text(0) : Double.doubleToRawLongBits(x);
    }

    static long text(int code) {
        return TEXT | code;
    }

    static boolean isNumber(long cell) {
        return (cell & 0x7FF0_0000_0000_0000L) != 0x7FF0_0000_0000_0000L;
    }

    static boolean isText(long cell) {
        return (cell & TAG_MASK) == TEXT;
    }

    static int textCode(long cell) {
        return (int) (cell & 0xFFFF_FFFFL);
    }

    /**
     * The category a number in a categorical column counts as: compared by value, so {@code 1}, {@code 1.0} and
     * {@code 01} are one category, spelt as an integer when it is one.
     */
    static String numberKey(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) return Long.toString((long) x);
        return Double.toString(x);
    }
}
