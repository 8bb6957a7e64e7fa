package io.distill4j.model.transformer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.distill4j.model.ModelFileException;
import io.distill4j.model.ZipReader;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * {@code transformer.json} of a model zip read as an untrusted file: parse problems in our words (never Jackson's), and
 * sizes bounded before anything is allocated for them: each within what a config may ask for, the parameters within the
 * heap of this JVM, one text's attention scores within what inference can hold.
 */
final class SpecFile {
    /** The largest spec entry read: a spec is about 400 bytes. */
    static final long LIMIT = 64 << 10;
    /** Attention scores of one text (heads x maxLength^2) that inference may allocate: 1 GiB of floats. */
    static final long MAX_SCORES = 1L << 28;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SpecFile() {
    }

    static TransformerSpec read(ZipReader zip) throws IOException {
        byte[] bytes = zip.readAll(LIMIT);
        TransformerSpec spec;
        try {
            spec = JSON.readValue(bytes, TransformerSpec.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw zip.problem("not a valid transformer spec: " + cause.getMessage());
        } catch (UnrecognizedPropertyException e) {
            throw zip.problem("unknown field '" + e.getPropertyName() + "' (a transformer spec has " + fields() + ")");
        } catch (MismatchedInputException e) {
            String field = field(e);
            String text = e.getOriginalMessage() != null && e.getOriginalMessage().contains("Missing")
                    ? "field '" + field + "' is missing" : field.isEmpty() ? "expected a JSON object with " + fields()
                    : "field '" + field + "' has a value of the wrong type";
            throw zip.problem(text);
        } catch (StreamReadException e) {
            throw zip.problem("not valid JSON" + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (JsonProcessingException e) {
            throw zip.problem("not a transformer spec (" + field(e) + ")");
        }
        if (spec == null) throw zip.problem("expected a JSON object with " + fields() + ", got null");
        bound(spec, zip);
        return spec;
    }

    private static String field(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m)) return "";
        return m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String fields() {
        return java.util.Arrays.stream(TransformerSpec.class.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName)
                .collect(Collectors.joining(", "));
    }

    /** Every size within a config's range, and what they imply within this process's memory. */
    private static void bound(TransformerSpec s, ZipReader zip) throws ModelFileException {
        check(zip, "vocabSize", s.vocabSize(), 1 << 24);
        check(zip, "maxLength", s.maxLength(), 65_536);
        check(zip, "layers", s.layers(), 64);
        check(zip, "hidden", s.hidden(), 65_536);
        check(zip, "heads", s.heads(), 1024);
        check(zip, "ffn", s.ffn(), 65_536);
        check(zip, "classes", s.classes(), 1 << 16);
        long scores = (long) s.heads() * s.maxLength() * s.maxLength();
        if (scores > MAX_SCORES) {
            throw zip.problem("heads x maxLength^2 = " + scores + " attention scores per text, more than " + MAX_SCORES + " that inference can hold");
        }
        long bytes = 4 * s.parameters();
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2) {
            throw zip.problem("declares " + s.parameters() + " parameters (" + (bytes >> 20) + " MiB), more than half of this JVM's heap ("
                    + (heap >> 20) + " MiB) can hold");
        }
    }

    private static void check(ZipReader zip, String field, int value, int max) throws ModelFileException {
        if (value > max) throw zip.problem("field '" + field + "' is " + value + ", expected at most " + max);
    }
}
