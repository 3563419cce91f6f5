package io.losslake.spark.data;

import io.losslake.data.FileSource;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A folder on any Hadoop filesystem (file:, hdfs:, s3a:), for the data-prep readers. */
public final class HadoopFileSource implements FileSource {
    private final String location;
    private final Path dir;
    private final Configuration conf;

    public HadoopFileSource(String location, Configuration conf) {
        this.location = location;
        this.dir = new Path(location);
        this.conf = conf;
    }

    private FileSystem fs() throws IOException {
        return dir.getFileSystem(conf);
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public boolean exists() throws IOException {
        FileSystem fs = fs();
        return fs.exists(dir) && fs.getFileStatus(dir).isDirectory();
    }

    @Override
    public boolean isFile(String name) throws IOException {
        FileSystem fs = fs();
        Path file = new Path(dir, name);
        return fs.exists(file) && fs.getFileStatus(file).isFile();
    }

    @Override
    public InputStream open(String name) throws IOException {
        return fs().open(new Path(dir, name));
    }

    @Override
    public String locate(String name) {
        return new Path(dir, name).toString();
    }
}
