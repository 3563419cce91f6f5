package io.losslake.spark;

import io.losslake.spark.runtime.LakeSession;
import org.apache.spark.sql.SparkSession;

/** The local[2] session a test class shares: Delta enabled, no UI. */
public final class TestSpark {
    private TestSpark() {
    }

    public static SparkSession.Builder builder() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("losslake-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.databricks.delta.snapshotPartitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.extensions", LakeSession.DELTA_EXTENSION)
                .config("spark.sql.catalog.spark_catalog", LakeSession.DELTA_CATALOG)
                .config(LakeSession.LOCAL_LOG_STORE, io.losslake.spark.lake.LockingLocalLogStore.class.getName());
    }
}
