package io.losslake.spark.cli;

import io.losslake.spark.lake.Lake;
import io.losslake.spark.runtime.LakeSession;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the lake is and which Spark runs the job: shared by every command that touches Spark. */
public final class SparkOptions {
    @Option(names = "--lake", paramLabel = "PATH", defaultValue = "./lakehouse",
            description = "Root of the Delta lake: a local folder or any Hadoop path such as s3a://bucket/prefix (default: ${DEFAULT-VALUE}).")
    String lake;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: the one spark-submit set, else embedded local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Extra Spark setting, repeatable, e.g. --conf spark.hadoop.fs.s3a.endpoint=http://minio:9000.")
    Map<String, String> conf = new LinkedHashMap<>();

    public String lake() {
        return lake;
    }

    public String master() {
        return master;
    }

    public Map<String, String> conf() {
        return conf == null ? Map.of() : conf;
    }

    /** The Spark session these options ask for (see {@link LakeSession#open}). */
    public LakeSession open(String appName) {
        return LakeSession.open(appName, master, conf());
    }

    /** The lake at {@code --lake} in {@code session}. */
    public Lake lake(LakeSession session) {
        return session.lake(lake);
    }
}
