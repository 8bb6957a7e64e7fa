package io.distill4j.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The data keys of a user's own files: each mistake refused with the key named, before any file is read. */
class UserDataKeysTest {
    @TempDir
    Path dir;

    private static String config(String data) {
        return "name: t\ndata: " + data + "\nmodels:\n  teacher: {family: mlp, hidden: [8]}\n  students:\n"
                + "    - {name: s, family: mlp, hidden: [4]}\ntraining: {epochs: 1, batchSize: 4, seed: 1}\n";
    }

    private void load(String data) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, config(data));
        new ConfigLoader(ConfigLoaderTest.VOCABULARY).load(f, List.of());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{dataset: mnist, format: csv, train: t.csv, validation: 1}|data.dataset|a built-in dataset beside data.format 'csv'",
            "{format: parquet, train: t.csv, validation: 1}|data.format|expected one of",
            "{format: csv, validation: 1}|data.train|expected the training file or folder of your csv data",
            "{format: csv, train: t.csv}|data.validation|expected the number of training examples held out for validation",
            "{format: csv, train: t.csv, test: u.csv, testFraction: 0.1, validation: 1}|data.testFraction|data.test names the test split already",
            "{format: csv, train: t.csv, testFraction: 1.5, validation: 1}|data.testFraction|expected a share of each class in (0, 1)",
            "{format: csv, train: t.csv, validation: 1, height: 8, width: 8}|data.height|only images take it",
            "{format: images, train: d, validation: 1, columns: [a]}|data.columns|only tables",
            "{format: images, train: d, validation: 1, label: y}|data.label|an image folder's classes are its sub-folders' names",
            "{format: images, train: d, validation: 1, channels: 2}|data.channels|expected 1 (grey) or 3 (RGB), got 2",
            "{format: images, train: d, validation: 1, height: 8}|data.width|expected data.height and data.width together",
            "{format: images, train: d, validation: 1, height: 0, width: 8}|data.height|expected a size in pixels in [1, 4096], got 0",
            "{format: csv, train: t.csv, validation: 1, maxLength: 8}|data.maxLength|only texts",
            "{format: jsonl, train: t.jsonl, validation: 1, tokenizer: tok.json, vocabSize: 100}|data.vocabSize|the tokenizer (data.tokenizer) decides",
            "{format: jsonl, train: t.jsonl, validation: 1, truncation: middle}|data.truncation|expected one of",
            "{format: csv, train: t.csv, validation: 1, missing: drop}|data.missing|expected error, mean or zero, got 'drop'",
            "{format: csv, train: t.csv, validation: 1, unseen: ignore}|data.unseen|expected error or zeros, got 'ignore'",
            "{format: jsonl, train: t.jsonl, validation: 1, malformedText: skip}|data.malformedText|expected error or replace, got 'skip'",
            "{format: csv, train: t.csv, validation: 1, root: data/x}|data.root|your files are data.train",
            "{dataset: mnist, label: y}|data.label|only a user's dataset (data.format) takes it",
            "{root: data/x}|data|expected data.dataset (one of"})
    void eachMistakeIsRefusedWithItsKey(String data, String key, String message) {
        assertThatThrownBy(() -> load(data)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(": " + key + ": ").hasMessageContaining(message);
    }

    @Test
    void aMissingTrainingFileIsADataErrorNamingIt() {
        assertThatThrownBy(() -> load("{format: csv, train: nowhere.csv, validation: 1}"))
                .isInstanceOf(io.distill4j.data.DataException.class).hasMessageContaining("nowhere.csv: data.train names no file or folder");
    }

    @Test
    void userPathsAreResolvedAgainstTheProjectRoot() {
        DataSpec d = new DataSpec(null, null, null, null, 1, null, null, null, "csv", "t.csv", null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
        assertThat(d.testFraction()).isEqualTo(DataSpec.DEFAULT_TEST_FRACTION);
        assertThat(d.splitSeed()).isZero();
        assertThat(d.root()).isNull();
        assertThat(d.request().user().train()).isEqualTo(Path.of("t.csv"));
    }
}
