package io.losslake.spark.lake;

import io.delta.storage.LocalLogStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Delta's log store for local-folder lakes ({@code file:}), made safe for several processes.
 * Delta commits version N of a table by checking that {@code _delta_log/N.json} does not exist and
 * then renaming a temporary file onto it; its {@link LocalLogStore} serialises that within one JVM
 * only, and a local rename overwrites, so two processes can both take version N and one commit is
 * lost. Here the check and the rename run under an OS file lock on {@code _delta_log/.commit.lock}
 * (held by one process at a time, and by one thread of this JVM at a time), so the second writer
 * finds N taken and Delta retries it at N + 1, as it does for any conflict. Overwrites
 * (checkpoints, {@code _last_checkpoint}) need no lock. Registered for the {@code file} scheme as
 * {@code spark.delta.logStore.file.impl} by {@link io.losslake.spark.runtime.LakeSession}; writers
 * that do not use it (another tool writing the same folder) are not serialised.
 */
public final class LockingLocalLogStore extends LocalLogStore {
    /** The lock file's name inside a table's _delta_log (Delta reads only its own file names there). */
    public static final String LOCK_FILE = ".commit.lock";

    private static final ConcurrentHashMap<java.nio.file.Path, Object> IN_PROCESS = new ConcurrentHashMap<>();

    public LockingLocalLogStore(Configuration hadoopConf) {
        super(hadoopConf);
    }

    @Override
    public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf) throws IOException {
        if (Boolean.TRUE.equals(overwrite)) {
            super.write(path, actions, true, hadoopConf);
            return;
        }
        java.nio.file.Path logDir = java.nio.file.Path.of(path.getParent().toUri()).toAbsolutePath().normalize();
        Files.createDirectories(logDir);
        // FileChannel.lock is held per process: threads of this JVM take turns on a monitor first
        synchronized (IN_PROCESS.computeIfAbsent(logDir, d -> new Object())) {
            try (FileChannel channel = FileChannel.open(logDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                super.write(path, actions, false, hadoopConf); // throws FileAlreadyExistsException when N is taken
                if (io.losslake.spark.runtime.Faults.loseCommitAck(path)) {
                    throw new java.nio.file.FileAlreadyExistsException(path.toString(), null, "commit written, acknowledgement lost ("
                            + io.losslake.spark.runtime.Faults.LOST_COMMIT_ACK + ")");
                }
            }
        }
    }
}
