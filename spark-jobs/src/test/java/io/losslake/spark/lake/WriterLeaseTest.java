package io.losslake.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.spark.runtime.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease protocol on a local folder (the S3 case runs in S3LakeTest); which lakes need a lease. */
class WriterLeaseTest {
    @TempDir
    Path dir;

    @Test
    void aLiveLeaseRefusesTheNextWriterUntilReleasedAndAStaleOneIsRemoved() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(dir.resolve("lake").resolve(WriterLease.FOLDER).toUri());
        WriterLease first = WriterLease.acquire(fs, folder, "s3a://b/lake", "losslake federate");
        assertThat(fs.listStatus(folder)).hasSize(1);
        assertThatThrownBy(() -> WriterLease.acquire(fs, folder, "s3a://b/lake", "losslake sweep"))
                .isInstanceOf(UserInputException.class)
                .hasMessageStartingWith("--lake s3a://b/lake is being written by another losslake job (losslake federate (pid ")
                .hasMessageContaining("last seen 0 s ago");
        assertThat(fs.listStatus(folder)).hasSize(1); // the refused writer withdrew its own lease
        first.release();
        assertThat(fs.listStatus(folder)).isEmpty();

        // a killed writer's lease: not refreshed for longer than STALE_MS
        org.apache.hadoop.fs.Path dead = new org.apache.hadoop.fs.Path(folder, "dead.lease");
        Files.writeString(Path.of(dead.toUri()), "losslake prepare (pid 1 on gone)");
        fs.setTimes(dead, System.currentTimeMillis() - WriterLease.STALE_MS - 60_000, -1);
        WriterLease second = WriterLease.acquire(fs, folder, "s3a://b/lake", "losslake sweep");
        assertThat(fs.exists(dead)).isFalse();
        second.release();
    }

    @Test
    void onlyS3LakesOnASingleWriterLogStoreNeedALease() {
        SparkConf conf = new SparkConf(false);
        assertThat(WriterLease.required(conf, "s3a://bucket/lake")).isTrue();
        assertThat(WriterLease.required(conf, "s3://bucket/lake")).isTrue();
        assertThat(WriterLease.required(conf, new java.io.File("lakehouse").toURI().toString())).isFalse(); // file:
        assertThat(WriterLease.required(conf, "hdfs://nn/lake")).isFalse();
        assertThat(WriterLease.required(conf, "lakehouse")).isFalse(); // no scheme: the default filesystem
        assertThat(WriterLease.required(conf.clone().set("spark.delta.logStore.s3a.impl", "io.delta.storage.S3DynamoDBLogStore"),
                "s3a://bucket/lake")).isFalse();
        assertThat(WriterLease.required(conf.clone().set("spark.delta.logStore.s3a.impl", DynamoDbLogStore.class.getName()),
                "s3a://bucket/lake")).isFalse();
        assertThat(WriterLease.required(conf.clone().set(WriterLease.CHECK_SETTING, "false"), "s3a://bucket/lake")).isFalse();
    }
}
