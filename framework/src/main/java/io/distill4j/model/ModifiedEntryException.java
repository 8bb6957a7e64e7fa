package io.distill4j.model;

/**
 * An entry of a model zip whose bytes no longer match the SHA-256 its export recorded ({@link EntryChecksums}): the file
 * was edited or damaged after export, as opposed to one that was never a valid model ({@link ModelFileException}).
 */
public final class ModifiedEntryException extends ModelFileException {
    public ModifiedEntryException(String source, String entry) {
        super(source, entry, "was modified (checksum mismatch)");
    }

    @Override
    public String getMessage() {
        return "entry " + entry() + " of " + source() + " was modified (checksum mismatch)";
    }

    @Override
    public String describe() {
        return "entry " + entry() + " was modified (checksum mismatch)";
    }
}
