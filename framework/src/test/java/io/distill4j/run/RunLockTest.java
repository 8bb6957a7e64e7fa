package io.distill4j.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunLockTest {
    @TempDir
    Path tmp;

    @Test
    void oneHolderAtATimeNamedByPidAndReleasedOnClose() throws IOException {
        long pid = ProcessHandle.current().pid();
        try (RunLock first = RunLock.acquire(tmp)) {
            assertThat(Files.readString(first.file())).startsWith("pid " + pid + ", started ");
            assertThatThrownBy(() -> RunLock.acquire(tmp)).isInstanceOf(RunLockedException.class)
                    .hasMessageStartingWith(tmp.toAbsolutePath() + " is in use by another distill4j process (pid " + pid + ", started ");
            // the refused attempt must not have dropped the holder's lock
            assertThatThrownBy(() -> RunLock.acquire(tmp)).isInstanceOf(RunLockedException.class);
        }
        try (RunLock again = RunLock.acquire(tmp)) {
            assertThat(again.file()).exists();
        }
        assertThat(Files.readString(tmp.resolve(RunLock.FILE_NAME))).isEmpty();
    }

    @Test
    void theLockFileOfAKilledProcessIsTakenOver() throws IOException {
        Files.writeString(tmp.resolve(RunLock.FILE_NAME), "pid 999999999, started 2026-01-01T00:00Z\n");
        try (RunLock lock = RunLock.acquire(tmp)) {
            assertThat(Files.readString(lock.file())).startsWith("pid " + ProcessHandle.current().pid() + ",");
        }
    }

    @Test
    void aRunFolderThatFailedBeforeItBeganIsRecognisedAndRemoved() throws IOException {
        RunDirectory dir = RunDirectory.create(null, null, tmp.resolve("run"));
        Files.writeString(dir.logFile(), "some log lines\n");
        assertThat(dir.holdsNothingButLogs()).isTrue();
        Files.writeString(dir.configFile(), "name: x\n");
        assertThat(dir.holdsNothingButLogs()).isFalse();
        Files.delete(dir.configFile());
        dir.delete();
        assertThat(tmp.resolve("run")).doesNotExist();
    }

    @Test
    void anExplicitFolderMustBeNewOrEmpty() throws IOException {
        Path mine = tmp.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> RunDirectory.create(null, null, mine)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(mine + " is not empty (holds notes.txt); a run folder must be new or empty, choose another --run-dir");
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        try (RunDirectory dir = RunDirectory.create(null, null, empty)) {
            assertThat(dir.root().resolve("logs")).isDirectory();
        }
    }
}
