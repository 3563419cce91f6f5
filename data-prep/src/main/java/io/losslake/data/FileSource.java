package io.losslake.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder of files, wherever it lives: the readers in this module say which file they need and
 * the caller supplies it (a local folder here, any Hadoop filesystem such as s3a:// in spark-jobs).
 */
public interface FileSource {
    /** The folder, as the user wrote it, for messages. */
    String location();

    /** Whether the folder exists. */
    boolean exists() throws IOException;

    /** Whether {@code name} is a file in the folder. */
    boolean isFile(String name) throws IOException;

    /** Opens {@code name} for reading; the caller closes it. */
    InputStream open(String name) throws IOException;

    /** The full location of {@code name}, for messages. */
    String locate(String name);

    /** A folder on the local filesystem. */
    static FileSource local(Path dir) {
        return new FileSource() {
            @Override
            public String location() {
                return dir.toString();
            }

            @Override
            public boolean exists() {
                return Files.isDirectory(dir);
            }

            @Override
            public boolean isFile(String name) {
                return Files.isRegularFile(dir.resolve(name));
            }

            @Override
            public InputStream open(String name) throws IOException {
                return Files.newInputStream(dir.resolve(name));
            }

            @Override
            public String locate(String name) {
                return dir.resolve(name).toString();
            }
        };
    }
}
