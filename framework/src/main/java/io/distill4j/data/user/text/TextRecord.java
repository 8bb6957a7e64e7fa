package io.distill4j.data.user.text;

/**
 * One text as read from a source: {@code id} names it in messages and predictions ({@code file:line} for JSONL and
 * CSV, the path relative to the folder for .txt files), {@code label} is its class name or null when the source has none.
 */
record TextRecord(String id, String text, String label) {
}
