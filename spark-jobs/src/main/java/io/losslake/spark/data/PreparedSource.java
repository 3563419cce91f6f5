package io.losslake.spark.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A dataset read, validated and normalised, ready to land in the lake.
 *
 * @param dataset     its name in the lake
 * @param examples    every example of both splits, in the examples table's schema
 * @param trainIds    example ids of the train split, in the order partitioners see them
 * @param trainLabels labels of the train split, aligned with {@code trainIds}
 * @param trainGroups group values of the train split (natural scheme), or null
 * @param numClasses  declared or inferred class count
 * @param shape       feature shape, e.g. [28, 28], or [d] for a flat vector
 * @param testCount   examples in the test split
 * @param normalize   the normalisation applied
 */
public record PreparedSource(String dataset, Dataset<Row> examples, long[] trainIds, int[] trainLabels, String[] trainGroups,
                             int numClasses, int[] shape, long testCount, String normalize) {

    public long trainCount() {
        return trainIds.length;
    }

    public boolean isImage() {
        return shape.length == 2;
    }
}
